// Apicurio Registry 3.x, whose `/apis/ccompat/v7` API is the Confluent Schema Registry API
// that @kafkajs/confluent-schema-registry and Confluent's serializers speak. It runs from the
// Quarkus assembly Maven Central serves, storing its data in an H2 file so that a restart
// (say, after a crash) keeps every registered schema and its id.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findJava } from './java.ts';
import { cached, copyArtifact, untar } from './maven.ts';
import { managedProcess } from './processes.ts';
import { registryAnswers } from './probes.ts';
import { registryUrl, type StackSettings } from './settings.ts';
import type { Component } from './component.ts';

export function registryComponent(settings: StackSettings): Component {
  const { version, port, managementPort, heapMb } = settings.registry;
  const home = path.join(settings.dir, 'registry');
  const proc = managedProcess('registry', settings.dir);

  return {
    proc,
    ports: [port, managementPort],
    dataDir: home,
    logFile: path.join(settings.logDir, 'registry.log'),
    address: registryUrl(settings),
    describe: `Apicurio Registry ${version}`,

    async install() {
      return cached(path.join(settings.cacheDir, `apicurio-registry-${version}`), async (dir) => {
        process.stderr.write(`stack: downloading Apicurio Registry ${version} from Maven Central (about 160 MB on first run)\n`);
        await copyArtifact(`io.apicurio:apicurio-registry-app:${version}:tar.gz:all`, dir, 'registry');
        const archive = path.join(dir, `apicurio-registry-app-${version}-all.tar.gz`);
        await untar(archive, dir, 'registry');
        rmSync(archive); // Maven's repository keeps a copy
      });
    },

    async command(runtime) {
      // Apicurio Registry 3.3 is compiled for Java 21.
      const java = findJava(21);
      mkdirSync(home, { recursive: true });
      const db = path.join(home, 'data', 'registry');
      return {
        bin: java.bin,
        args: [
          `-Xmx${heapMb}m`,
          '-Dquarkus.http.host=127.0.0.1',
          `-Dquarkus.http.port=${port}`,
          '-Dquarkus.management.host=127.0.0.1',
          `-Dquarkus.management.port=${managementPort}`,
          // WRITE_DELAY=0: H2 otherwise writes commits to disk up to a second late, and a
          // registry killed in that second forgets schemas it already acknowledged.
          `-Dapicurio.datasource.url=jdbc:h2:file:${db};WRITE_DELAY=0`,
          // The default pool of 20 connections is sized for a server, not a laptop.
          '-Dapicurio.datasource.jdbc.initial-size=2',
          '-Dapicurio.datasource.jdbc.min-size=2',
          '-Dapicurio.datasource.jdbc.max-size=20',
          `-Dapicurio.storage.snapshot.location=${home}`,
          '-jar',
          path.join(runtime, 'quarkus-run.jar'),
        ],
        cwd: home,
      };
    },

    ready: () => registryAnswers(registryUrl(settings)),
  };
}

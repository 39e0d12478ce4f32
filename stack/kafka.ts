// Apache Kafka as a single KRaft node (broker and controller in one JVM) on loopback, built
// from Maven Central jars rather than the release tarball, which these machines cannot fetch.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findJava } from './java.ts';
import { ensureStackTls, saslPassword, type StackTls } from './tls.ts';
import { cached, copyDependencies } from './maven.ts';
import { managedProcess } from './processes.ts';
import { kafkaAnswers } from './probes.ts';
import { kafkaBrokers, projectRoot, type StackSettings } from './settings.ts';
import type { Component } from './component.ts';

/**
 * What every single-node Kafka of the project's sets beside its listeners and key material, as
 * a local process (serverProperties) or in a container (test/support/docker-stack.ts).
 */
export const SINGLE_NODE_PROPERTIES: Readonly<Record<string, string>> = {
  'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
  'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  'ssl.keystore.type': 'PKCS12',
  'ssl.truststore.type': 'PEM',
  'listener.name.ssl.ssl.client.auth': 'required',
  // Topics are created on purpose (by the gateway, by tests), never by a stray producer.
  'auto.create.topics.enable': 'false',
  'num.partitions': '3',
  // One node: every internal topic has one replica.
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  'group.initial.rebalance.delay.ms': '0',
};

/**
 * Three client listeners on loopback: PLAINTEXT; SASL_SSL with SCRAM-SHA-512 users; and SSL that
 * requires a client certificate signed by the stack's CA (mutual TLS without SASL).
 */
export function serverProperties(settings: StackSettings, dataDir: string, tls: Pick<StackTls, 'brokerKeystore' | 'keystorePassword' | 'caFile'>): string {
  const { port, controllerPort, saslSslPort, sslPort } = settings.kafka;
  const clients = `PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${saslSslPort},SSL://127.0.0.1:${sslPort}`;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=${clients},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=${clients}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
    `ssl.keystore.location=${tls.brokerKeystore}`,
    `ssl.keystore.password=${tls.keystorePassword}`,
    `ssl.key.password=${tls.keystorePassword}`,
    `ssl.truststore.location=${tls.caFile}`,
    `log.dirs=${dataDir}`,
    ...Object.entries(SINGLE_NODE_PROPERTIES).map(([key, value]) => `${key}=${value}`),
    '',
  ].join('\n');
}

function log4jProperties(logFile: string): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${logFile}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    '',
  ].join('\n');
}

/** The broker's GC log (JDK unified logging: wall-clock time, uptime, one line per pause). */
export function kafkaGcLog(settings: Pick<StackSettings, 'logDir'>): string {
  return path.join(settings.logDir, 'kafka-gc.log');
}

/**
 * A KRaft cluster id: a random UUID, base64url without padding (22 characters). Like Kafka's
 * own Uuid.randomUuid, never one starting with "-": the format tool would read it as an option.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function kafkaComponent(settings: StackSettings): Component {
  const { version, port, heapMb } = settings.kafka;
  const home = path.join(settings.dir, 'kafka');
  const dataDir = path.join(home, 'data');
  const logFile = path.join(settings.logDir, 'kafka.log');
  const proc = managedProcess('kafka', settings.dir);

  return {
    proc,
    ports: [port, settings.kafka.controllerPort, settings.kafka.saslSslPort, settings.kafka.sslPort],
    dataDir: home,
    logFile: path.join(settings.logDir, 'kafka.out'),
    address: kafkaBrokers(settings),
    describe: `Apache Kafka ${version} (KRaft)`,

    async install() {
      // `-r2`: the broker's runtime and, since r2, the command-line tools (kafka-tools).
      return cached(path.join(settings.cacheDir, `kafka-${version}-r2`), async (dir) => {
        process.stderr.write(`stack: resolving Apache Kafka ${version} and its runtime jars from Maven Central (about 30 MB on first run)\n`);
        await copyDependencies(path.join(projectRoot, 'stack', 'kafka-pom.xml'), dir, { 'kafka.version': version }, 'kafka');
      });
    },

    async command(runtime) {
      const java = findJava(17);
      mkdirSync(home, { recursive: true });
      const config = path.join(home, 'server.properties');
      const tls = ensureStackTls(settings.tlsDir);
      writeFileSync(config, serverProperties(settings, dataDir, tls), { mode: 0o600 });
      const log4j = path.join(home, 'log4j2.properties');
      writeFileSync(log4j, log4jProperties(logFile));
      const classpath = path.join(runtime, '*');
      // Format once; a restart after a crash keeps the existing log directory and its data.
      const scramMarker = path.join(home, 'scram-user');
      if (existsSync(path.join(dataDir, 'meta.properties')) && !existsSync(scramMarker)) {
        process.stderr.write('stack: this Kafka was formatted before it had a SASL_SSL user; npm run stack:down, then stack:up, makes one\n');
      }
      if (!existsSync(path.join(dataDir, 'meta.properties'))) {
        execFileSync(
          java.bin,
          [
            '-cp',
            classpath,
            `-Dlog4j2.configurationFile=${log4j}`,
            'kafka.tools.StorageTool',
            'format',
            '--standalone',
            '-t',
            newClusterId(),
            '-c',
            config,
            // The SASL_SSL listener's user, in the cluster's metadata from the start.
            '--add-scram',
            `SCRAM-SHA-512=[name=${tls.saslUser},password=${saslPassword(tls)}]`,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
        );
        writeFileSync(scramMarker, `${tls.saslUser}\n`);
      }
      return {
        bin: java.bin,
        // The GC options are those of Kafka's own start script (KAFKA_JVM_PERFORMANCE_OPTS): short
        // G1 pauses, since every produce request waits out a pause of the broker.
        args: [
          `-Xms${Math.min(256, heapMb)}m`,
          `-Xmx${heapMb}m`,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:InitiatingHeapOccupancyPercent=35',
          '-XX:+ExplicitGCInvokesConcurrent',
          // Every pause with its wall-clock time, so a benchmark can tell the broker's pauses from the gateway's.
          `-Xlog:gc:file=${kafkaGcLog(settings)}:time,uptime:filecount=2,filesize=20M`,
          `-Dlog4j2.configurationFile=${log4j}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          config,
        ],
        cwd: home,
      };
    },

    ready: () => kafkaAnswers(kafkaBrokers(settings)),
  };
}

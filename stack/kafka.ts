// Apache Kafka as a single KRaft node (broker and controller in one JVM) on loopback, built
// from Maven Central jars rather than the release tarball, which these machines cannot fetch.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findJava } from './java.ts';
import { cached, copyDependencies } from './maven.ts';
import { managedProcess } from './processes.ts';
import { kafkaAnswers } from './probes.ts';
import { kafkaBrokers, projectRoot, type StackSettings } from './settings.ts';
import type { Component } from './component.ts';

export function serverProperties(settings: StackSettings, dataDir: string): string {
  const { port, controllerPort } = settings.kafka;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Topics are created on purpose (by the gateway, by tests), never by a stray producer.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    // One node: every internal topic has one replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
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
    ports: [port, settings.kafka.controllerPort],
    dataDir: home,
    logFile: path.join(settings.logDir, 'kafka.out'),
    address: kafkaBrokers(settings),
    describe: `Apache Kafka ${version} (KRaft)`,

    async install() {
      return cached(path.join(settings.cacheDir, `kafka-${version}`), async (dir) => {
        process.stderr.write(`stack: resolving Apache Kafka ${version} and its runtime jars from Maven Central (about 30 MB on first run)\n`);
        await copyDependencies(path.join(projectRoot, 'stack', 'kafka-pom.xml'), dir, { 'kafka.version': version }, 'kafka');
      });
    },

    async command(runtime) {
      const java = findJava(17);
      mkdirSync(home, { recursive: true });
      const config = path.join(home, 'server.properties');
      writeFileSync(config, serverProperties(settings, dataDir));
      const log4j = path.join(home, 'log4j2.properties');
      writeFileSync(log4j, log4jProperties(logFile));
      const classpath = path.join(runtime, '*');
      // Format once; a restart after a crash keeps the existing log directory and its data.
      if (!existsSync(path.join(dataDir, 'meta.properties'))) {
        execFileSync(
          java.bin,
          ['-cp', classpath, `-Dlog4j2.configurationFile=${log4j}`, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', newClusterId(), '-c', config],
          { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
        );
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

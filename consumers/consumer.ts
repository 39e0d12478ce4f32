// Builds one sample consumer from its configuration: store, clients, runtime, and a small
// health/metrics endpoint. main.ts runs one; tests build their own.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import http from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { topicFor } from '../schemas/catalog.ts';
import { loadContract, type Contract } from '../schemas/codec.ts';
import type { ConsumerConfig } from './config.ts';
import { createMediaResolver } from './media.ts';
import { PROGRAMS } from './programs.ts';
import { createConsumerRuntime, type ConsumerRuntime } from './runtime.ts';
import { openStore, type Store } from './store.ts';

export interface SampleConsumer {
  readonly runtime: ConsumerRuntime;
  readonly db: Store;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSampleConsumer(config: ConsumerConfig, { logger, contract = loadContract() }: { logger: Logger; contract?: Contract }): SampleConsumer {
  const program = PROGRAMS[config.category];
  const db = openStore(config.databaseFile, program.schema);
  const log = logger.child({ module: `consumer.${config.category}` });
  const kafka = new Kafka({ clientId: `sample-${config.category}`, brokers: [...config.kafkaBrokers], logLevel: logLevel.ERROR });
  const media = config.cometchat ? createMediaResolver({ appId: config.cometchat.appId, apiKey: config.cometchat.apiKey, baseUrl: config.cometchat.filesBaseUrl }) : undefined;
  const runtime = createConsumerRuntime({
    kafka,
    registry: new SchemaRegistry({ host: config.schemaRegistryUrl }),
    contract,
    topic: topicFor(config.category, config.topicPrefix),
    groupId: config.groupId,
    dlqTopic: config.dlqTopic,
    handle: program.createHandler({ db, logger: log, media }),
    logger: log,
    maxRetries: config.maxRetries,
    backoffMs: config.backoffMs,
  });
  const health = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(runtime.running ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ running: runtime.running, ...runtime.counters }));
    } else if (req.url === '/metrics') {
      const lines = Object.entries(runtime.counters).map(([name, value]) => `consumer_${name}_total{category="${config.category}"} ${value}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
    } else res.writeHead(404).end();
  });

  return {
    runtime,
    db,
    async start() {
      // The dead-letter topic must exist before the first poison record arrives.
      const admin = kafka.admin();
      await admin.connect();
      if (!(await admin.listTopics()).includes(config.dlqTopic)) {
        await admin.createTopics({ topics: [{ topic: config.dlqTopic }], waitForLeaders: true }).catch(() => undefined);
      }
      await admin.disconnect();
      await runtime.start();
      if (config.healthPort > 0) await new Promise<void>((resolve) => health.listen(config.healthPort, resolve));
    },
    async stop() {
      await runtime.stop();
      health.close();
      db.close();
    },
  };
}

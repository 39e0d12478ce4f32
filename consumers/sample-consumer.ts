// Builds one sample consumer from its configuration: store, clients, runtime, and a small
// health/metrics endpoint. main.ts runs one; tests build their own.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClientConfig } from '../common/connections.ts';
import { kafkaLogCreator } from '../common/kafka-log.ts';
import type { Logger } from '../common/logger.ts';
import { topicFor } from '../schemas/catalog.ts';
import { loadContract, type Contract } from '../schemas/contract.ts';
import { createRegistryClient } from '../schemas/registry.ts';
import type { ConsumerConfig } from './config.ts';
import { createMediaResolver } from './media.ts';
import { createConsumerMetrics, type ConsumerMetrics } from './metrics.ts';
import { PROGRAMS } from './programs.ts';
import { createConsumerRuntime, type ConsumerRuntime } from './runtime.ts';
import { openStore, type Store } from './store.ts';

export interface SampleConsumer {
  readonly runtime: ConsumerRuntime;
  readonly db: Store;
  readonly metrics: ConsumerMetrics;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSampleConsumer(
  config: ConsumerConfig,
  {
    logger,
    contract = loadContract(),
    metrics = createConsumerMetrics({ category: config.category }),
  }: { logger: Logger; contract?: Contract; metrics?: ConsumerMetrics },
): SampleConsumer {
  const program = PROGRAMS[config.category];
  const db = openStore(config.databaseFile, program.schema);
  const log = logger.child({ module: `consumer.${config.category}` });
  const topic = topicFor(config.category, config.topicPrefix);
  let stopped = false;
  const kafka = new Kafka({
    ...kafkaClientConfig(config.connections.kafka),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  const media = config.cometchat
    ? createMediaResolver({ appId: config.cometchat.appId, apiKey: config.cometchat.apiKey, baseUrl: config.cometchat.filesBaseUrl })
    : undefined;
  const runtime = createConsumerRuntime({
    kafka,
    registry: createRegistryClient(config.connections.registry).schemaRegistry,
    contract,
    topic,
    groupId: config.groupId,
    dlqTopic: config.dlqTopic,
    handle: program.createHandler({ db, logger: log, media }),
    logger: log,
    metrics,
    maxRetries: config.maxRetries,
    backoffMs: config.backoffMs,
    sessionTimeoutMs: config.sessionTimeoutMs,
  });
  const health = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(runtime.running ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ running: runtime.running, ...runtime.counters }));
    } else if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else res.writeHead(404).end();
  });

  return {
    runtime,
    db,
    metrics,
    async start() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        // The dead-letter topic must exist before the first poison record arrives.
        if (!(await admin.listTopics()).includes(config.dlqTopic)) {
          await admin.createTopics({ topics: [{ topic: config.dlqTopic }], waitForLeaders: true });
        }
        // The category topic is the gateway's to create (with its partitions and settings): a
        // consumer started first waits for it rather than failing.
        for (let attempt = 0; !stopped && !(await admin.listTopics()).includes(topic); attempt++) {
          if (attempt === 0) log.info({ topic }, 'waiting for the topic: the gateway creates it when it starts');
          await sleep(Math.min(5000, 250 * 2 ** attempt));
        }
      } finally {
        await admin.disconnect();
      }
      if (stopped) return;
      await runtime.start();
      if (config.healthPort > 0) await new Promise<void>((resolve) => health.listen(config.healthPort, resolve));
    },
    async stop() {
      stopped = true;
      await runtime.stop();
      health.close();
      db.close();
    },
  };
}

// Builds a gateway from its configuration: Kafka and registry clients, the contract, the
// publisher, the app and the server. main.ts runs one; tests build their own on port 0.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel as kafkaLogLevel, Partitioners, type LogEntry } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadContract, type Contract } from '../schemas/codec.ts';
import { createApp } from './app.ts';
import type { GatewayConfig } from './config.ts';
import { createHealth, type Readiness } from './http/health.ts';
import { createMetrics, type GatewayMetrics } from './http/metrics.ts';
import { createDedupeWindow } from './ingest/dedupe.ts';
import { createIngestHandler } from './ingest/handler.ts';
import { createPublisher } from './ingest/publisher.ts';
import { createRouter } from './ingest/route.ts';
import { resolveSchemaIds } from './ingest/schemas.ts';
import { ensureTopics, gatewayTopics } from './ingest/topics.ts';
import type { Logger } from './logger.ts';
import { closeServer, createServer, listen, type GatewayServer } from './server.ts';

/** How long one start-up step (registering schemas, connecting the producer) may take. */
const START_STEP_TIMEOUT_MS = 30_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface Gateway {
  readonly server: GatewayServer;
  readonly metrics: GatewayMetrics;
  readonly readiness: Readiness;
  /** Listens, then prepares Kafka and the schemas in the background (retrying until it can). */
  start(): Promise<number>;
  /** Resolves when start-up has finished (ready to take events). */
  ready(): Promise<void>;
  /** Stops taking requests, lets open ones finish or fail explicitly, flushes, disconnects. */
  stop(): Promise<void>;
}

function kafkaLogger(logger: Logger) {
  const log = logger.child({ module: 'kafkajs' });
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...fields } = entry;
      // kafkajs logs every failed response at ERROR, including the retriable ones it then
      // retries (a broker's coordinator still loading, a leader moving). What actually fails
      // reaches the gateway as an error and is logged there; kafkajs's own view is a warning.
      if (level <= kafkaLogLevel.WARN) log.warn(fields, message);
      else log.debug(fields, message);
    };
}

export function createGateway(config: GatewayConfig, { logger, contract = loadContract(), metrics = createMetrics() }: { logger: Logger; contract?: Contract; metrics?: GatewayMetrics }): Gateway {
  const kafka = new Kafka({
    clientId: 'cometchat-gateway',
    brokers: [...config.kafkaBrokers],
    logLevel: kafkaLogLevel.WARN,
    logCreator: kafkaLogger(logger),
    connectionTimeout: 1000,
    requestTimeout: 5000,
  });
  // Idempotent with unlimited retries: a batch outlives an outage and lands once. Callers do
  // not wait for it beyond their budget; short retry gaps make recovery quick.
  // The default partitioner is murmur2, as Java clients use, so keys land where they would expect.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { initialRetryTime: 100, maxRetryTime: 1000 } });
  const admin = kafka.admin({ retry: { retries: 2 } });
  const registry = new SchemaRegistry({ host: config.schemaRegistryUrl });
  const readiness: Readiness = { started: false, startupProblem: undefined, shuttingDown: false };
  const schemaIds = new Map<string, number>();
  const log = logger.child({ module: 'gateway' });

  const publisher = createPublisher({
    producer,
    lingerMs: config.lingerMs,
    maxBatchMessages: config.maxBatchMessages,
    hooks: {
      onBatch: ({ messages, error }) => {
        metrics.batch(messages);
        if (error) {
          metrics.kafkaError();
          log.warn({ err: error, messages }, 'Kafka did not acknowledge a batch');
        }
      },
    },
  });
  const router = createRouter({
    contract,
    schemaIds,
    topicPrefix: config.topicPrefix,
    unroutedTopic: config.unroutedTopic,
    dlqTopic: config.dlqTopic,
    schemaRegistryUrl: config.schemaRegistryUrl,
  });
  const health = createHealth({
    readiness,
    checks: [
      { name: 'kafka', check: async () => (await admin.describeCluster()).brokers.length > 0 },
      { name: 'registry', check: async () => (await fetch(`${config.schemaRegistryUrl}/subjects`, { signal: AbortSignal.timeout(1000) })).ok },
    ],
  });
  const ingest = createIngestHandler({
    router,
    publisher,
    dedupe: createDedupeWindow({ windowMs: config.dedupeWindowMs, maxEntries: config.dedupeMaxEntries }),
    metrics,
    readiness,
    logger: logger.child({ module: 'ingest' }),
    ackTimeoutMs: config.ackTimeoutMs,
  });
  const app = createApp({ config, logger, metrics, health, ingest });
  const server = createServer(config, app);

  let started: Promise<void> | undefined;
  async function prepare(): Promise<void> {
    for (let attempt = 1; !readiness.shuttingDown; attempt++) {
      try {
        await admin.connect();
        const created = await ensureTopics(admin, gatewayTopics(config), { partitions: config.topicPartitions, replicationFactor: config.topicReplicationFactor });
        if (created.length > 0) log.info({ topics: created }, 'topics created');
        // Bounded: the registry client sets no timeout of its own, and one stalled request must
        // cost an attempt, not the whole start-up.
        const ids = await withTimeout(
          resolveSchemaIds({ contract, registry, registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix, autoRegister: config.schemaAutoRegister }),
          START_STEP_TIMEOUT_MS,
          'resolving schema ids in the registry',
        );
        for (const [trigger, id] of ids) schemaIds.set(trigger, id);
        await withTimeout(producer.connect(), START_STEP_TIMEOUT_MS, 'connecting the producer');
        readiness.started = true;
        readiness.startupProblem = undefined;
        log.info({ schemas: ids.size, topics: gatewayTopics(config) }, 'ready');
        return;
      } catch (err) {
        readiness.startupProblem = err instanceof Error ? err.message : String(err);
        log.warn({ err, attempt }, 'start-up incomplete, retrying');
        await sleep(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  return {
    server,
    metrics,
    readiness,
    async start() {
      const port = await listen(server, config.port, config.host);
      log.info({ port, tls: Boolean(config.tls), path: config.webhookPath, auth: config.authDisabled ? 'disabled' : `${config.credentials.length} credential(s)` }, 'listening');
      started = prepare();
      return port;
    },
    async ready() {
      await started;
      if (!readiness.started) throw new Error(readiness.startupProblem ?? 'the gateway stopped before it was ready');
    },
    async stop() {
      readiness.shuttingDown = true;
      await closeServer(server, config.shutdownGraceMs);
      // A start-up attempt still under way ends at its next step; do not wait on a stalled one.
      await withTimeout(started ?? Promise.resolve(), config.shutdownGraceMs, 'start-up').catch(() => undefined);
      await publisher.flush().catch((err: unknown) => log.error({ err }, 'events still queued at shutdown could not be sent'));
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      log.info('stopped');
    },
  };
}

// Wires one gateway from its configuration and the clients it is given: the contract, the
// publisher, the ingest core, the HTTP app and its server. main.ts runs one; tests build their
// own on port 0, with the real clients or with fakes.
import type { Logger } from '../common/logger.ts';
import { loadContract, type Contract } from '../schemas/contract.ts';
import type { GatewayClients } from './clients.ts';
import type { GatewayConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { closeServer, createServer, listen, type GatewayServer } from './http/server.ts';
import { createDedupeWindow } from './ingest/dedupe.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import { createPublisher } from './ingest/publisher.ts';
import { createRouter } from './ingest/route.ts';
import { createLifecycle, createReadiness, type Lifecycle } from './lifecycle.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import { prepare, withTimeout } from './startup.ts';

export interface Gateway {
  readonly server: GatewayServer;
  readonly metrics: GatewayMetrics;
  readonly lifecycle: Lifecycle;
  /** The core, callable without a request. */
  readonly ingest: Ingest;
  /** Listens, then prepares Kafka and the schemas in the background (retrying until it can). */
  start(): Promise<number>;
  /** Resolves when start-up has finished (ready to take events). */
  ready(): Promise<void>;
  /** Stops taking requests, lets open ones finish or fail explicitly, flushes, disconnects. */
  stop(): Promise<void>;
}

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly clients: GatewayClients;
  readonly logger: Logger;
  readonly contract?: Contract;
  readonly metrics?: GatewayMetrics;
}

export function createGateway({ config, clients, logger, contract = loadContract(), metrics = createMetrics() }: GatewayDeps): Gateway {
  const { producer, admin, registry } = clients;
  const lifecycle = createLifecycle();
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
  const ingest = createIngest({
    router: createRouter({
      contract,
      schemaIds,
      topicPrefix: config.topicPrefix,
      unroutedTopic: config.unroutedTopic,
      dlqTopic: config.dlqTopic,
      schemaRegistryUrl: config.schemaRegistryUrl,
    }),
    publisher,
    dedupe: createDedupeWindow({ windowMs: config.dedupeWindowMs, maxEntries: config.dedupeMaxEntries }),
    metrics,
    lifecycle,
    logger: logger.child({ module: 'ingest' }),
    ackTimeoutMs: config.ackTimeoutMs,
  });
  const readiness = createReadiness({
    lifecycle,
    checks: [
      { name: 'kafka', check: async () => (await admin.describeCluster()).brokers.length > 0 },
      { name: 'registry', check: () => registry.ping() },
    ],
  });
  const server = createServer(config, createApp({ config, logger, metrics, readiness, ingest }));

  let started: Promise<void> | undefined;
  return {
    server,
    metrics,
    lifecycle,
    ingest,
    async start() {
      const port = await listen(server, config.port, config.host);
      log.info(
        { port, tls: Boolean(config.tls), path: config.webhookPath, auth: config.authDisabled ? 'disabled' : `${config.credentials.length} credential(s)` },
        'listening',
      );
      started = prepare({ config, clients, contract, schemaIds, lifecycle, logger: log });
      return port;
    },
    async ready() {
      await started;
      if (!lifecycle.started) throw new Error(lifecycle.startupProblem ?? 'the gateway stopped before it was ready');
    },
    async stop() {
      lifecycle.shuttingDown = true;
      await closeServer(server, config.shutdownGraceMs);
      // A start-up attempt still under way ends at its next step; do not wait on a stalled one.
      await withTimeout(started ?? Promise.resolve(), config.shutdownGraceMs, 'start-up').catch(() => undefined);
      await publisher.flush().catch((err: unknown) => log.error({ err }, 'events still queued at shutdown could not be sent'));
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      log.info('stopped');
    },
  };
}

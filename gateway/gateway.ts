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
import { createDelivery } from './ingest/delivery.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import { createPublisher, type PublisherHooks } from './ingest/publisher.ts';
import { createRouter } from './ingest/route.ts';
import { createShardedPublisher } from './ingest/sharded-publisher.ts';
import { createLifecycle, createReadiness, type Lifecycle } from './lifecycle.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import { createDrainer } from './spool/drainer.ts';
import type { SpoolStore } from './spool/store.ts';
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
  /** The opened spool, when config.spool is set (main.ts opens it, so a bad SPOOL_DIR stops the start). */
  readonly spool?: SpoolStore | undefined;
  readonly logger: Logger;
  readonly contract?: Contract;
  readonly metrics?: GatewayMetrics;
}

export function createGateway({ config, clients, spool, logger, contract = loadContract(), metrics = createMetrics() }: GatewayDeps): Gateway {
  const { producers, admin, registry } = clients;
  const lifecycle = createLifecycle();
  const schemaIds = new Map<string, number>();
  const log = logger.child({ module: 'gateway' });

  const hooks: PublisherHooks = {
    onQueueWait: (ms) => metrics.publishWait(ms / 1000),
    onBatch: ({ messages, durationMs, error }) => {
      metrics.batch(messages);
      metrics.produce(durationMs / 1000);
      if (error) {
        metrics.kafkaError();
        log.warn({ err: error, messages }, 'Kafka did not acknowledge a batch');
      }
    },
  };
  // One publisher per producer, events shared among them by key.
  const publisher = createShardedPublisher(
    producers.map((producer) => createPublisher({ producer, lingerMs: config.lingerMs, maxBatchMessages: config.maxBatchMessages, hooks })),
  );
  for (const producer of producers) {
    // kafkajs's own view of each Produce request: queued behind others, then the broker's round trip.
    producer.on(producer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') metrics.produceRequest(payload.pendingDuration / 1000, payload.duration / 1000);
    });
  }
  const spoolLog = logger.child({ module: 'spool' });
  if (spool) metrics.observeSpool(() => spool.stats());
  const delivery = createDelivery({
    publisher,
    ackTimeoutMs: config.ackTimeoutMs,
    metrics,
    logger: spoolLog,
    spool:
      spool && config.spool
        ? {
            store: spool,
            afterMs: config.spool.afterMs,
            createDrainer: ({ onDrained, onEmpty }) =>
              createDrainer({
                store: spool,
                producer: producers[0]!,
                publisherIdle: () => publisher.idle(),
                onDrained: (events) => onDrained(events.map((e) => e.eventId)),
                onEmpty,
                logger: spoolLog,
              }),
          }
        : undefined,
  });
  const ingest = createIngest({
    router: createRouter({
      contract,
      schemaIds,
      topicPrefix: config.topicPrefix,
      unroutedTopic: config.unroutedTopic,
      dlqTopic: config.dlqTopic,
      schemaRegistryUrl: config.connections.registry.url,
    }),
    delivery,
    dedupe: createDedupeWindow({ windowMs: config.dedupeWindowMs, maxEntries: config.dedupeMaxEntries }),
    metrics,
    lifecycle,
    logger: logger.child({ module: 'ingest' }),
  });
  const readiness = createReadiness({
    lifecycle,
    checks: [
      // With the spool, events are kept while Kafka is away: the load balancer must keep sending.
      { name: 'kafka', check: async () => (await admin.describeCluster()).brokers.length > 0, optional: spool !== undefined },
      { name: 'registry', check: () => registry.ping() },
    ],
    ...(spool ? { spool: () => ({ spooling: delivery.spooling, events: spool.size }) } : {}),
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
      started = prepare({ config, clients, contract, schemaIds, lifecycle, logger: log }).then(() => {
        // Whatever an earlier run left in the spool goes first.
        if (lifecycle.started) delivery.start();
      });
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
      // A batch retries until Kafka takes it: with Kafka down, stop waiting after the grace. Its
      // callers were answered already (refused, or spooled: the spool keeps their copies).
      await withTimeout(publisher.flush(), config.shutdownGraceMs, 'the last batches').catch((err: unknown) =>
        log.error({ err: { message: (err as Error).message } }, 'events still queued at shutdown could not be sent'),
      );
      // Rows not yet drained stay in the spool for the next start.
      await delivery.stop(config.shutdownGraceMs);
      await Promise.allSettled([...producers.map((p) => p.disconnect()), admin.disconnect()]);
      log.info('stopped');
    },
  };
}

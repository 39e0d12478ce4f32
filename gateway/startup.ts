// What must be true before the gateway takes events: its topics exist, every trigger's schema
// id is resolved, the producer is connected. Tried until it succeeds or the gateway stops; each
// step is bounded, so one stalled request costs an attempt, not the whole start-up.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.ts';
import type { Contract } from '../schemas/contract.ts';
import type { GatewayClients } from './clients.ts';
import type { GatewayConfig } from './config.ts';
import { resolveSchemaIds } from './ingest/schema-ids.ts';
import { ensureTopics, gatewayTopics } from './ingest/topics.ts';
import type { Lifecycle } from './lifecycle.ts';

/** How long one start-up step (registering schemas, connecting the producer) may take. */
const START_STEP_TIMEOUT_MS = 30_000;

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Prepares Kafka and the schemas, filling `schemaIds`; marks the lifecycle started when done. */
export async function prepare({
  config,
  clients: { admin, producer, registry },
  contract,
  schemaIds,
  lifecycle,
  logger,
}: {
  config: GatewayConfig;
  clients: GatewayClients;
  contract: Contract;
  schemaIds: Map<string, number>;
  lifecycle: Lifecycle;
  logger: Logger;
}): Promise<void> {
  for (let attempt = 1; !lifecycle.shuttingDown; attempt++) {
    try {
      await admin.connect();
      const created = await ensureTopics(admin, gatewayTopics(config), {
        partitions: config.topicPartitions,
        replicationFactor: config.topicReplicationFactor,
      });
      if (created.length > 0) logger.info({ topics: created }, 'topics created');
      const ids = await withTimeout(
        resolveSchemaIds({ contract, registry, topicPrefix: config.topicPrefix, autoRegister: config.schemaAutoRegister }),
        START_STEP_TIMEOUT_MS,
        'resolving schema ids in the registry',
      );
      for (const [trigger, id] of ids) schemaIds.set(trigger, id);
      await withTimeout(producer.connect(), START_STEP_TIMEOUT_MS, 'connecting the producer');
      lifecycle.started = true;
      lifecycle.startupProblem = undefined;
      logger.info({ schemas: ids.size, topics: gatewayTopics(config) }, 'ready');
      return;
    } catch (err) {
      lifecycle.startupProblem = err instanceof Error ? err.message : String(err);
      logger.warn({ err, attempt }, 'start-up incomplete, retrying');
      await sleep(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
    }
  }
}

// What must be true before the gateway takes events: its topics exist, every trigger's schema
// id is resolved, the producer is connected. Tried until it succeeds or the gateway stops; each
// step is bounded, so one stalled request costs an attempt, not the whole start-up.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.ts';
import type { Contract } from '../schemas/contract.ts';
import type { GatewayClients } from './clients.ts';
import type { GatewayConfig } from './config.ts';
import { resolveSchemaIds } from './ingest/schema-ids.ts';
import { CATEGORIES, topicFor } from '../schemas/catalog.ts';
import { durabilityFindings, ensureTopics, gatewayTopics } from './ingest/topics.ts';
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

const categoryTopics = (config: GatewayConfig): string[] => CATEGORIES.map((c) => topicFor(c, config.topicPrefix));

/** Says once at start when acks=all on a category topic is weaker than two copies. */
async function reportDurability(admin: GatewayClients['admin'], topics: string[], logger: Logger): Promise<void> {
  const findings = await durabilityFindings(admin, topics);
  if (findings.length === 0) return;
  const { brokers } = await admin.describeCluster();
  // One broker: there is no second copy to have; a development cluster, said once, quietly.
  if (brokers.length === 1) logger.info({ topics: findings.map((f) => f.topic) }, 'a single-broker cluster: every acknowledged event has one copy');
  else for (const f of findings) logger.warn(f, 'a category topic where acks=all can mean a single copy');
}

/** TLS error codes of Node that mean the client does not trust what the broker presented. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error, with what to check where the cause is a setting (by error name and code, never a secret). */
export function describeStartupProblem(err: unknown): string {
  const message = (err as { message?: string }).message ?? String(err);
  // kafkajs wraps the last attempt's error when it gives up: look at that one.
  const e = ((err as { name?: string }).name === 'KafkaJSNumberOfRetriesExceeded' ? ((err as { cause?: unknown }).cause ?? err) : err) as {
    name?: string;
    code?: string;
  };
  if (e.name === 'KafkaJSSASLAuthenticationError') return `${message} (check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD)`;
  if (e.code && UNTRUSTED.has(e.code)) return `${message} (the brokers' certificate is not trusted: check KAFKA_SSL_CA_FILE, the CA that signed it)`;
  return message;
}

/** Prepares Kafka and the schemas, filling `schemaIds`; marks the lifecycle started when done. */
export async function prepare({
  config,
  clients: { admin, producers, registry },
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
        configs: config.topicConfigs,
      });
      if (created.length > 0) logger.info({ topics: created, configs: config.topicConfigs }, 'topics created');
      if (attempt === 1) await reportDurability(admin, categoryTopics(config), logger);
      const ids = await withTimeout(
        resolveSchemaIds({ contract, registry, topicPrefix: config.topicPrefix, autoRegister: config.schemaAutoRegister }),
        START_STEP_TIMEOUT_MS,
        'resolving schema ids in the registry',
      );
      for (const [trigger, id] of ids) schemaIds.set(trigger, id);
      await withTimeout(Promise.all(producers.map((p) => p.connect())), START_STEP_TIMEOUT_MS, 'connecting the producers');
      lifecycle.started = true;
      lifecycle.startupProblem = undefined;
      logger.info({ schemas: ids.size, topics: gatewayTopics(config) }, 'ready');
      return;
    } catch (err) {
      lifecycle.startupProblem = describeStartupProblem(err);
      logger.warn({ err, attempt }, 'start-up incomplete, retrying');
      await sleep(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
    }
  }
}

// The gateway's configuration: read once from the environment, validated, frozen. Every key,
// its default and its unit are listed here (and in docs/configuration.md); a bad start names every bad key.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { ConfigError, envReader, LOG_LEVELS } from '../common/config-reader.ts';
import { type Connections, readConnections } from '../common/connections.ts';
import { DEFAULT_TOPIC_PREFIX } from '../schemas/catalog.ts';

export interface Credential {
  readonly username: string;
  readonly password: string;
}

export interface GatewayConfig {
  /** Where and how to reach Kafka and the schema registry (TLS, SASL, registry credentials). */
  readonly connections: Connections;
  readonly host: string;
  readonly port: number;
  readonly webhookPath: string;
  /** Valid Basic credentials: the primary pair first, then rotation pairs. Empty only when auth is disabled. */
  readonly credentials: readonly Credential[];
  readonly authDisabled: boolean;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  readonly topicPrefix: string;
  readonly unroutedTopic: string;
  readonly dlqTopic: string;
  /** -1: the broker's default. */
  readonly topicPartitions: number;
  /** -1: the broker's default. */
  readonly topicReplicationFactor: number;
  /** Kafka topic configs for the topics the gateway creates, from TOPIC_CONFIG_<NAME> (e.g. TOPIC_CONFIG_MIN_INSYNC_REPLICAS → min.insync.replicas). */
  readonly topicConfigs: Readonly<Record<string, string>>;
  readonly schemaAutoRegister: boolean;
  readonly maxBodyBytes: number;
  /** Without the spool: how long a request may wait for Kafka's acknowledgement before it is answered 503. */
  readonly ackTimeoutMs: number;
  /** The local spool for events Kafka cannot take in time; undefined when SPOOL_ENABLED=false. */
  readonly spool: { readonly dir: string; readonly maxBytes: number; readonly afterMs: number } | undefined;
  readonly retryAfterSeconds: number;
  /** How long the publisher waits for more events before sending a batch. */
  readonly lingerMs: number;
  /** Idempotent producers side by side, events shared among them by key (one batch in flight each). */
  readonly kafkaProducers: number;
  readonly maxBatchMessages: number;
  readonly dedupeWindowMs: number;
  readonly dedupeMaxEntries: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxHeaderBytes: number;
  readonly maxConnections: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: string;
  /** Gateway processes on this host: 1 is a single process; more run under Node's cluster module. */
  readonly workers: number;
}

export { ConfigError };

/** TOPIC_CONFIG_RETENTION_MS=604800000 → { "retention.ms": "604800000" }: any Kafka topic config by name. */
function topicConfigsOf(env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('TOPIC_CONFIG_') || value === undefined || value === '') continue;
    const name = key.slice('TOPIC_CONFIG_'.length);
    if (!/^[A-Z0-9]+(_[A-Z0-9]+)*$/.test(name))
      problems.push(`${key}: a topic config is named in capitals with underscores for dots, e.g. TOPIC_CONFIG_MIN_INSYNC_REPLICAS`);
    else configs[name.toLowerCase().replaceAll('_', '.')] = value;
  }
  return configs;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const read = envReader(env);
  const { problems, text, int, bool } = read;
  const connections = readConnections(read, { clientId: 'cometchat-gateway' });

  const authDisabled = bool('WEBHOOK_AUTH_DISABLED', false);
  const credentials: Credential[] = [];
  if (!authDisabled) {
    const username = text('WEBHOOK_USERNAME');
    const password = read.secret('WEBHOOK_PASSWORD', { required: true }) ?? '';
    if (username.includes(':')) problems.push('WEBHOOK_USERNAME must not contain ":" (HTTP Basic cannot carry it)');
    if (username && password) credentials.push({ username, password });
    const extra = read.secret('WEBHOOK_EXTRA_CREDENTIALS');
    if (extra) {
      try {
        const pairs = JSON.parse(extra) as unknown;
        if (
          !Array.isArray(pairs) ||
          !pairs.every((p) => typeof p?.username === 'string' && typeof p?.password === 'string' && p.username && p.password && !p.username.includes(':'))
        ) {
          throw new Error('shape');
        }
        credentials.push(...(pairs as Credential[]));
      } catch {
        // The value holds secrets: never echo it.
        problems.push('WEBHOOK_EXTRA_CREDENTIALS must be a JSON array of {"username","password"} with non-empty strings (usernames without ":")');
      }
    }
  }

  let tls: GatewayConfig['tls'];
  const certFile = env.TLS_CERT_FILE;
  const keyFile = env.TLS_KEY_FILE;
  if (Boolean(certFile) !== Boolean(keyFile)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither for plain HTTP');
  else if (certFile && keyFile) {
    try {
      tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
    } catch (err) {
      problems.push(`TLS_CERT_FILE/TLS_KEY_FILE cannot be read: ${(err as Error).message}`);
    }
  }

  const webhookPath = text('WEBHOOK_PATH', '/webhooks/cometchat');
  if (!webhookPath.startsWith('/')) problems.push(`WEBHOOK_PATH=${webhookPath} must start with /`);
  const topicPrefix = text('TOPIC_PREFIX', DEFAULT_TOPIC_PREFIX);
  if (!/^[A-Za-z0-9._-]+$/.test(topicPrefix)) problems.push(`TOPIC_PREFIX=${topicPrefix} may hold only letters, digits, ".", "_" and "-"`);
  const logLevel = read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS);

  const workers =
    env.GATEWAY_WORKERS === 'auto' ? availableParallelism() : int('GATEWAY_WORKERS', 1, { min: 1, max: 256 }, 'processes, or "auto" for one per CPU');

  const config: GatewayConfig = {
    connections,
    host: text('HOST', '0.0.0.0'),
    port: int('PORT', 8080, { min: 0, max: 65535 }),
    webhookPath,
    credentials,
    authDisabled,
    tls,
    topicPrefix,
    unroutedTopic: text('UNROUTED_TOPIC', `${topicPrefix}.unrouted`),
    dlqTopic: text('DLQ_TOPIC', `${topicPrefix}.dlq`),
    topicPartitions: int('TOPIC_PARTITIONS', -1, { min: -1, max: 10_000 }),
    topicReplicationFactor: int('TOPIC_REPLICATION_FACTOR', -1, { min: -1, max: 100 }),
    topicConfigs: topicConfigsOf(env, problems),
    schemaAutoRegister: bool('SCHEMA_AUTO_REGISTER', true),
    maxBodyBytes: int('MAX_BODY_BYTES', 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }, 'bytes'), // 1 MiB
    ackTimeoutMs: int('ACK_TIMEOUT_MS', 1000, { min: 10, max: 60_000 }, 'ms'), // well inside CometChat's 2 s
    spool: bool('SPOOL_ENABLED', true)
      ? {
          dir: path.resolve(text('SPOOL_DIR', path.join(text('DATA_DIR', '.data'), 'spool'))),
          maxBytes: int('SPOOL_MAX_BYTES', 1024 ** 3, { min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER }, 'bytes'), // 1 GiB
          // The wait for Kafka, then the fsync: both inside CometChat's 2 s.
          afterMs: int('SPOOL_AFTER_MS', 500, { min: 10, max: 1500 }, 'ms'),
        }
      : undefined,
    retryAfterSeconds: int('RETRY_AFTER_SECONDS', 10, { min: 0, max: 3600 }, 's'),
    lingerMs: int('LINGER_MS', 2, { min: 0, max: 1000 }, 'ms'),
    maxBatchMessages: int('MAX_BATCH_MESSAGES', 500, { min: 1, max: 100_000 }),
    kafkaProducers: int('KAFKA_PRODUCERS', 2, { min: 1, max: 64 }),
    dedupeWindowMs: int('DEDUPE_WINDOW_MS', 5 * 60_000, { min: 0, max: 24 * 3600_000 }, 'ms'), // 5 minutes
    dedupeMaxEntries: int('DEDUPE_MAX_ENTRIES', 200_000, { min: 0, max: 10_000_000 }),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }, 'ms'),
    headersTimeoutMs: int('HEADERS_TIMEOUT_MS', 5_000, { min: 100, max: 600_000 }, 'ms'),
    // Longer than the idle timeout of common load balancers and client pools (60 s): the side that
    // closes an idle connection first should be the client, which never races its own reuse.
    keepAliveTimeoutMs: int('KEEP_ALIVE_TIMEOUT_MS', 65_000, { min: 0, max: 600_000 }, 'ms'),
    maxHeaderBytes: int('MAX_HEADER_BYTES', 16 * 1024, { min: 1024, max: 1024 * 1024 }, 'bytes'),
    maxConnections: int('MAX_CONNECTIONS', 1024, { min: 1, max: 1_000_000 }),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }, 'ms'),
    logLevel,
    workers,
  };
  if (config.headersTimeoutMs > config.requestTimeoutMs) problems.push('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  read.done();
  return Object.freeze(config);
}

// A sample consumer's configuration from the environment, validated at start: one error lists
// every bad key, as the gateway's does.
import path from 'node:path';
import { ConfigError, envReader, LOG_LEVELS } from '../common/config-reader.ts';
import { type Connections, readConnections } from '../common/connections.ts';
import { CATEGORIES, DEFAULT_TOPIC_PREFIX, type Category } from '../schemas/catalog.ts';

export { ConfigError };

export interface ConsumerConfig {
  readonly category: Category;
  /** Where and how to reach Kafka and the schema registry, read as the gateway reads them. */
  readonly connections: Connections;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly dlqTopic: string;
  /** The SQLite file the program writes. */
  readonly databaseFile: string;
  /** 0: no health/metrics endpoint. */
  readonly healthPort: number;
  readonly maxRetries: number;
  readonly backoffMs: number;
  /** How long the group waits for a member that stopped heartbeating (a killed process) before giving its partitions to others. */
  readonly sessionTimeoutMs: number;
  readonly cometchat: { readonly appId: string; readonly apiKey: string; readonly filesBaseUrl: string | undefined } | undefined;
  readonly logLevel: string;
}

export function loadConsumerConfig(category: string | undefined, env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  const read = envReader(env);
  const { problems, text, int } = read;
  if (!CATEGORIES.includes(category as Category)) problems.push(`the category must be one of ${CATEGORIES.join(', ')} (got ${category ?? 'nothing'})`);
  const connections = readConnections(read, { clientId: `sample-${category}` });
  const prefix = text('TOPIC_PREFIX', DEFAULT_TOPIC_PREFIX);
  const appId = env.COMETCHAT_APP_ID;
  const apiKey = read.secret('COMETCHAT_API_KEY');
  if (Boolean(appId) !== Boolean(apiKey)) problems.push('COMETCHAT_APP_ID and COMETCHAT_API_KEY go together (media links are resolved only with both)');
  const config: ConsumerConfig = {
    category: category as Category,
    connections,
    topicPrefix: prefix,
    groupId: text('CONSUMER_GROUP', `${prefix}.sample.${category}`),
    dlqTopic: text('CONSUMER_DLQ_TOPIC', `${prefix}.consumers.dlq`),
    databaseFile: path.resolve(text('DATA_DIR', '.data'), `${category}.sqlite`),
    healthPort: int('HEALTH_PORT', 0, { min: 0, max: 65535 }),
    maxRetries: int('MAX_RETRIES', 4, { min: 0, max: 100 }),
    backoffMs: int('RETRY_BACKOFF_MS', 200, { min: 0, max: 60_000 }, 'ms'),
    // Kafka's default group.min.session.timeout.ms is 6 s and its max 30 min.
    sessionTimeoutMs: int('CONSUMER_SESSION_TIMEOUT_MS', 30_000, { min: 6_000, max: 1_800_000 }, 'ms'), // 30 s, kafkajs's default
    cometchat: appId && apiKey ? { appId, apiKey, filesBaseUrl: env.COMETCHAT_FILES_BASE_URL || undefined } : undefined,
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
  };
  read.done('consumer configuration');
  return Object.freeze(config);
}

// A consumer's configuration from the environment, validated at start.
import path from 'node:path';
import { CATEGORIES, DEFAULT_TOPIC_PREFIX, type Category } from '../schemas/catalog.ts';

export interface ConsumerConfig {
  readonly category: Category;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly dlqTopic: string;
  /** The SQLite file the program writes. */
  readonly databaseFile: string;
  /** 0: no health/metrics endpoint. */
  readonly healthPort: number;
  readonly maxRetries: number;
  readonly backoffMs: number;
  readonly cometchat: { readonly appId: string; readonly apiKey: string; readonly filesBaseUrl: string | undefined } | undefined;
  readonly logLevel: string;
}

export function loadConsumerConfig(category: string | undefined, env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  const problems: string[] = [];
  if (!CATEGORIES.includes(category as Category)) problems.push(`the category must be one of ${CATEGORIES.join(', ')} (got ${category ?? 'nothing'})`);
  for (const key of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL']) if (!env[key]) problems.push(`${key} is required`);
  const int = (key: string, fallback: number): number => {
    const raw = env[key];
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) problems.push(`${key}=${raw} must be a whole number ≥ 0`);
    return n;
  };
  const prefix = env.TOPIC_PREFIX || DEFAULT_TOPIC_PREFIX;
  const appId = env.COMETCHAT_APP_ID;
  const apiKey = env.COMETCHAT_API_KEY;
  if (Boolean(appId) !== Boolean(apiKey)) problems.push('COMETCHAT_APP_ID and COMETCHAT_API_KEY go together (media links are resolved only with both)');
  const config: ConsumerConfig = {
    category: category as Category,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? '',
    topicPrefix: prefix,
    groupId: env.CONSUMER_GROUP || `${prefix}.sample.${category}`,
    dlqTopic: env.CONSUMER_DLQ_TOPIC || `${prefix}.consumers.dlq`,
    databaseFile: path.resolve(env.DATA_DIR || '.data', `${category}.sqlite`),
    healthPort: int('HEALTH_PORT', 0),
    maxRetries: int('MAX_RETRIES', 4),
    backoffMs: int('RETRY_BACKOFF_MS', 200),
    cometchat: appId && apiKey ? { appId, apiKey, filesBaseUrl: env.COMETCHAT_FILES_BASE_URL || undefined } : undefined,
    logLevel: env.LOG_LEVEL || 'info',
  };
  if (problems.length > 0) throw new Error(`invalid consumer configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return Object.freeze(config);
}

// Sample consumers for a test: all five programs, in-process, on a gateway's topics.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CATEGORIES, type Category } from '../../schemas/catalog.ts';
import { loadConsumerConfig } from '../../consumers/config.ts';
import { createSampleConsumer, type SampleConsumer } from '../../consumers/sample-consumer.ts';
import { contract } from './contract.ts';
import { stackEnv } from './stack-env.ts';

export interface TestConsumers {
  readonly dataDir: string;
  readonly byCategory: Record<Category, SampleConsumer>;
  /** Rows of a query on a category's database. */
  rows(category: Category, sql: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

export function consumerEnv(topicPrefix: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...stackEnv(), TOPIC_PREFIX: topicPrefix, DATA_DIR: dataDir, RETRY_BACKOFF_MS: '50', ...extra };
}

export async function startTestConsumers(topicPrefix: string, extra: Record<string, string> = {}): Promise<TestConsumers> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'consumers-'));
  const logger = pino({ level: 'silent' });
  const entries = await Promise.all(
    CATEGORIES.map(async (category) => {
      const consumer = createSampleConsumer(loadConsumerConfig(category, consumerEnv(topicPrefix, dataDir, extra)), { logger, contract: contract() });
      await consumer.start();
      return [category, consumer] as const;
    }),
  );
  const byCategory = Object.fromEntries(entries) as Record<Category, SampleConsumer>;
  return {
    dataDir,
    byCategory,
    rows: (category, sql) => byCategory[category].db.prepare(sql).all() as Record<string, unknown>[],
    async stop() {
      await Promise.all(Object.values(byCategory).map((c) => c.stop()));
    },
  };
}

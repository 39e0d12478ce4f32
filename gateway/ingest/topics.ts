// Creates the gateway's topics at start-up when they are missing: one per category, the
// unrouted topic and the dead-letter topic. Partitions and replication default to the broker's.
import type { Admin } from 'kafkajs';
import { CATEGORIES, topicFor } from '../../schemas/catalog.ts';

export function gatewayTopics({ topicPrefix, unroutedTopic, dlqTopic }: { topicPrefix: string; unroutedTopic: string; dlqTopic: string }): string[] {
  return [...CATEGORIES.map((c) => topicFor(c, topicPrefix)), unroutedTopic, dlqTopic];
}

export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  { partitions, replicationFactor }: { partitions: number; replicationFactor: number },
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
    });
  }
  return missing;
}

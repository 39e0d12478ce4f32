// The gateway's topics: one per category, the unrouted topic and the dead-letter topic. Created at
// start-up when missing (partitions, replication and any topic config from the configuration;
// the broker's defaults otherwise), and checked: a category topic whose replication or
// min.insync.replicas lets acks=all be satisfied by a single copy is reported at start.
import kafkajs, { type Admin } from 'kafkajs';
import { CATEGORIES, topicFor } from '../../schemas/catalog.ts';

// kafkajs is CommonJS: this enum is on its default export only.
const { ConfigResourceTypes } = kafkajs;

export function gatewayTopics({ topicPrefix, unroutedTopic, dlqTopic }: { topicPrefix: string; unroutedTopic: string; dlqTopic: string }): string[] {
  return [...CATEGORIES.map((c) => topicFor(c, topicPrefix)), unroutedTopic, dlqTopic];
}

export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  { partitions, replicationFactor, configs = {} }: { partitions: number; replicationFactor: number; configs?: Readonly<Record<string, string>> },
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor, configEntries })),
    });
  }
  return missing;
}

export interface DurabilityFinding {
  readonly topic: string;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** What it means for a 200, and what to change. */
  readonly problem: string;
}

/**
 * What makes acks=all weaker than "every in-sync replica, at least two": a single replica, or
 * min.insync.replicas=1 (then a leader alone can acknowledge). On a one-broker cluster neither
 * can be otherwise; the caller says so once instead.
 */
export async function durabilityFindings(admin: Admin, topics: readonly string[]): Promise<DurabilityFinding[]> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
  });
  const minIsr = new Map(
    described.resources.map((r) => [r.resourceName, Number(r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue ?? 1)]),
  );
  const findings: DurabilityFinding[] = [];
  for (const topic of metadata.topics) {
    const replicationFactor = Math.min(...topic.partitions.map((p) => p.replicas.length));
    const minInsyncReplicas = minIsr.get(topic.name) ?? 1;
    if (replicationFactor < 2) {
      findings.push({
        topic: topic.name,
        replicationFactor,
        minInsyncReplicas,
        problem: 'one replica: an acknowledged event is lost with that broker’s disk (use TOPIC_REPLICATION_FACTOR=3 for topics the gateway creates)',
      });
    } else if (minInsyncReplicas < 2) {
      findings.push({
        topic: topic.name,
        replicationFactor,
        minInsyncReplicas,
        problem:
          'min.insync.replicas=1: with the other replicas out of sync the leader alone acknowledges (set min.insync.replicas=2 on the topic, or TOPIC_CONFIG_MIN_INSYNC_REPLICAS=2 for topics the gateway creates)',
      });
    }
  }
  return findings;
}

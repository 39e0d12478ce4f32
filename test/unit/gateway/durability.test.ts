// Which category topics let acks=all be satisfied by one copy. The admin is a fake that answers
// what a cluster's metadata and topic configs would say; the real answers are in
// test/integration/topic-settings.test.ts.
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { durabilityFindings } from '../../../gateway/ingest/topics.ts';

function admin(topics: Record<string, { replicas: number; minIsr?: string }>): Admin {
  return {
    fetchTopicMetadata: async () => ({
      topics: Object.entries(topics).map(([name, t]) => ({
        name,
        partitions: [0, 1, 2].map((p) => ({ partitionId: p, replicas: Array.from({ length: t.replicas }, (_, i) => i) })),
      })),
    }),
    describeConfigs: async () => ({
      resources: Object.entries(topics).map(([name, t]) => ({
        resourceName: name,
        configEntries: t.minIsr ? [{ configName: 'min.insync.replicas', configValue: t.minIsr }] : [],
      })),
    }),
  } as unknown as Admin;
}

describe('durability findings', () => {
  it('three replicas and min.insync.replicas=2 → nothing to report', async () => {
    expect(await durabilityFindings(admin({ 'c.messages': { replicas: 3, minIsr: '2' } }), ['c.messages'])).toEqual([]);
  });

  it('one replica → reported, with TOPIC_REPLICATION_FACTOR as the fix', async () => {
    const [finding] = await durabilityFindings(admin({ 'c.users': { replicas: 1, minIsr: '1' } }), ['c.users']);
    expect(finding).toMatchObject({ topic: 'c.users', replicationFactor: 1, problem: expect.stringContaining('TOPIC_REPLICATION_FACTOR') });
  });

  it('three replicas but min.insync.replicas=1 (or unset) → reported, with min.insync.replicas=2 as the fix', async () => {
    const findings = await durabilityFindings(admin({ 'c.calls': { replicas: 3, minIsr: '1' }, 'c.groups': { replicas: 3 } }), ['c.calls', 'c.groups']);
    expect(findings.map((f) => [f.topic, f.minInsyncReplicas])).toEqual([
      ['c.calls', 1],
      ['c.groups', 1],
    ]);
    expect(findings[0]?.problem).toContain('TOPIC_CONFIG_MIN_INSYNC_REPLICAS=2');
  });
});

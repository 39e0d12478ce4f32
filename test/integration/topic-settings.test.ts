// Topic settings for production: TOPIC_CONFIG_<NAME> reaches the topics the gateway creates, and
// the start-up check of acks=all durability reports the test stack's single copy.
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { topicFor } from '../../schemas/catalog.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { testKafka } from '../support/stack-env.ts';

const { ConfigResourceTypes } = kafkajs;

describe('topic settings', () => {
  let gw: TestGateway | undefined;
  afterAll(() => gw?.stop());

  it('TOPIC_CONFIG_RETENTION_MS and TOPIC_CONFIG_MIN_INSYNC_REPLICAS → set on every topic the gateway creates; the single copy reported once at start', async () => {
    gw = await startTestGateway({ TOPIC_CONFIG_RETENTION_MS: '3600000', TOPIC_CONFIG_MIN_INSYNC_REPLICAS: '1' });
    const admin = testKafka('it-topic-settings').admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: gw.topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'min.insync.replicas'] })),
      });
      for (const resource of described.resources) {
        const value = (name: string) => resource.configEntries.find((e) => e.configName === name)?.configValue;
        expect(value('retention.ms'), resource.resourceName).toBe('3600000');
        expect(value('min.insync.replicas'), resource.resourceName).toBe('1');
      }
    } finally {
      await admin.disconnect();
    }
    const report = gw.logs.find((line) => line.includes('single-broker cluster'));
    expect(report).toBeDefined();
    expect(report).toContain(topicFor('messages', gw.config.topicPrefix));
  });
});

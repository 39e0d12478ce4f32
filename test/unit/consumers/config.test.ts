import { describe, expect, it } from 'vitest';
import { ConfigError, loadConsumerConfig } from '../../../consumers/config.ts';

const valid = { KAFKA_BROKERS: '127.0.0.1:9092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/' };

describe('consumer configuration', () => {
  it('the two required settings → defaults for the rest, derived from the prefix and category', () => {
    const config = loadConsumerConfig('users', { ...valid, TOPIC_PREFIX: 'acme' });
    expect(config).toMatchObject({
      category: 'users',
      connections: { registry: { url: 'http://127.0.0.1:8081' } },
      groupId: 'acme.sample.users',
      dlqTopic: 'acme.consumers.dlq',
      sessionTimeoutMs: 30_000,
      maxRetries: 4,
    });
    expect(config.databaseFile).toMatch(/\.data\/users\.sqlite$/);
  });

  it('several bad settings → one ConfigError naming every one', () => {
    const attempt = () =>
      loadConsumerConfig('chats', {
        KAFKA_BROKERS: 'no-port',
        SCHEMA_REGISTRY_URL: 'ftp://x',
        MAX_RETRIES: '-1',
        CONSUMER_SESSION_TIMEOUT_MS: '100',
        LOG_LEVEL: 'loud',
        COMETCHAT_APP_ID: 'app',
      });
    expect(attempt).toThrow(ConfigError);
    const problems = (() => {
      try {
        attempt();
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    })();
    expect(problems.join('\n')).toMatch(/category must be one of/);
    for (const key of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'MAX_RETRIES', 'CONSUMER_SESSION_TIMEOUT_MS', 'LOG_LEVEL', 'COMETCHAT_APP_ID']) {
      expect(
        problems.some((p) => p.includes(key)),
        key,
      ).toBe(true);
    }
  });
});

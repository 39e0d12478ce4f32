import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../gateway/config.ts';

const minimal = { KAFKA_BROKERS: 'k1:9092', SCHEMA_REGISTRY_URL: 'http://r:8081', WEBHOOK_USERNAME: 'cc', WEBHOOK_PASSWORD: 'secret' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  return [];
}

describe('loadConfig', () => {
  it('the four required keys → a frozen config with documented defaults', () => {
    const config = loadConfig(minimal);
    expect(Object.isFrozen(config)).toBe(true);
    expect(config).toMatchObject({
      connections: {
        kafka: { brokers: ['k1:9092'], securityProtocol: 'PLAINTEXT', tls: undefined, sasl: undefined },
        registry: { url: 'http://r:8081', auth: undefined },
      },
      port: 8080,
      webhookPath: '/webhooks/cometchat',
      topicPrefix: 'cometchat',
      unroutedTopic: 'cometchat.unrouted',
      dlqTopic: 'cometchat.dlq',
      maxBodyBytes: 1024 * 1024,
      ackTimeoutMs: 1000,
      dedupeWindowMs: 300_000,
      credentials: [{ username: 'cc', password: 'secret' }],
      tls: undefined,
    });
  });

  it('nothing set → one error listing every required key', () => {
    expect(problems({})).toEqual([
      'KAFKA_BROKERS is required',
      'SCHEMA_REGISTRY_URL is required',
      'WEBHOOK_USERNAME is required',
      'WEBHOOK_PASSWORD (or WEBHOOK_PASSWORD_FILE) is required',
    ]);
  });

  it('several bad values → all named at once, with the fix', () => {
    const found = problems({ ...minimal, PORT: 'eighty', ACK_TIMEOUT_MS: '0', LOG_LEVEL: 'loud', KAFKA_BROKERS: 'nohost' });
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/PORT=eighty must be a whole number from 0 to 65535/);
    expect(found.join('\n')).toMatch(/ACK_TIMEOUT_MS=0 must be a whole number from 10 to 60000 \(ms\)/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL=loud must be one of/);
    expect(found.join('\n')).toMatch(/KAFKA_BROKERS=nohost must be host:port/);
  });

  it('rotation pairs in WEBHOOK_EXTRA_CREDENTIALS → valid after the primary', () => {
    const config = loadConfig({ ...minimal, WEBHOOK_EXTRA_CREDENTIALS: '[{"username":"next","password":"p2"}]' });
    expect(config.credentials).toEqual([
      { username: 'cc', password: 'secret' },
      { username: 'next', password: 'p2' },
    ]);
  });

  it('malformed WEBHOOK_EXTRA_CREDENTIALS → an error that does not echo the secret', () => {
    const found = problems({ ...minimal, WEBHOOK_EXTRA_CREDENTIALS: '[{"username":"next","password":"hunter2"' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/WEBHOOK_EXTRA_CREDENTIALS must be a JSON array/);
    expect(found[0]).not.toContain('hunter2');
  });

  it('auth disabled explicitly → no credentials required', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'k:1', SCHEMA_REGISTRY_URL: 'http://r', WEBHOOK_AUTH_DISABLED: 'true' });
    expect(config).toMatchObject({ authDisabled: true, credentials: [] });
  });

  it('a username with ":" → refused (Basic cannot carry it)', () => {
    expect(problems({ ...minimal, WEBHOOK_USERNAME: 'a:b' })).toEqual(['WEBHOOK_USERNAME must not contain ":" (HTTP Basic cannot carry it)']);
  });

  it('only one of TLS_CERT_FILE and TLS_KEY_FILE → refused; unreadable files → refused', () => {
    expect(problems({ ...minimal, TLS_CERT_FILE: '/x.pem' })[0]).toMatch(/go together/);
    expect(problems({ ...minimal, TLS_CERT_FILE: '/nonexistent/c.pem', TLS_KEY_FILE: '/nonexistent/k.pem' })[0]).toMatch(/cannot be read/);
  });

  it('TOPIC_PREFIX → the unrouted and dead-letter topics follow it', () => {
    expect(loadConfig({ ...minimal, TOPIC_PREFIX: 'acme.chat' })).toMatchObject({ unroutedTopic: 'acme.chat.unrouted', dlqTopic: 'acme.chat.dlq' });
  });
});

describe('GATEWAY_WORKERS', () => {
  it('unset → 1 (one process); a number → that many; "auto" → one per CPU', () => {
    expect(loadConfig(minimal).workers).toBe(1);
    expect(loadConfig({ ...minimal, GATEWAY_WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({ ...minimal, GATEWAY_WORKERS: 'auto' }).workers).toBe(availableParallelism());
  });

  it('0, a fraction or a word → refused, saying what is accepted', () => {
    for (const value of ['0', '1.5', 'many']) {
      expect(problems({ ...minimal, GATEWAY_WORKERS: value })).toEqual([
        expect.stringMatching(new RegExp(`^GATEWAY_WORKERS=${value.replace('.', '\\.')} must be a whole number from 1 to 256 .*"auto"`)),
      ]);
    }
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envReader } from '../../../common/config-reader.ts';
import { kafkaClientConfig, readConnections } from '../../../common/connections.ts';

const base = { KAFKA_BROKERS: 'broker-1:9094,broker-2:9094', SCHEMA_REGISTRY_URL: 'https://registry.example:443/' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'connections-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function read(env: Record<string, string>) {
  const reader = envReader(env);
  const connections = readConnections(reader, { clientId: 'test-client' });
  return { connections, problems: [...reader.problems], done: () => reader.done() };
}

describe('connection settings', () => {
  it('nothing but brokers and registry → PLAINTEXT, no TLS, no SASL, no registry credentials', () => {
    const { connections, problems } = read(base);
    expect(problems).toEqual([]);
    expect(connections.kafka).toMatchObject({
      brokers: ['broker-1:9094', 'broker-2:9094'],
      clientId: 'test-client',
      securityProtocol: 'PLAINTEXT',
      tls: undefined,
      sasl: undefined,
    });
    expect(connections.registry).toMatchObject({ url: 'https://registry.example:443', auth: undefined, ca: undefined, timeoutMs: 10_000 });
    expect(kafkaClientConfig(connections.kafka)).toEqual({ brokers: ['broker-1:9094', 'broker-2:9094'], clientId: 'test-client' });
  });

  it('SASL_SSL with SCRAM-SHA-512, a CA file and the password from a file → kafkajs ssl and sasl options', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
    const { connections, problems } = read({
      ...base,
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'gateway',
      KAFKA_SASL_PASSWORD_FILE: file('kafka-password', 's3cret\n'),
      KAFKA_SSL_CA_FILE: ca,
    });
    expect(problems).toEqual([]);
    expect(kafkaClientConfig(connections.kafka)).toMatchObject({
      ssl: { ca: [Buffer.from('-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n')] },
      sasl: { mechanism: 'scram-sha-512', username: 'gateway', password: 's3cret' },
    });
  });

  it('SSL with a client certificate and key → mutual TLS, no SASL', () => {
    const { connections, problems } = read({
      ...base,
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_SSL_CERT_FILE: file('c.pem', 'CERT'),
      KAFKA_SSL_KEY_FILE: file('k.pem', 'KEY'),
    });
    expect(problems).toEqual([]);
    expect(kafkaClientConfig(connections.kafka)).toEqual({
      brokers: ['broker-1:9094', 'broker-2:9094'],
      clientId: 'test-client',
      ssl: { cert: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });

  it('registry basic auth from a file and a CA → both on the registry connection', () => {
    const { connections, problems } = read({
      ...base,
      SCHEMA_REGISTRY_USERNAME: 'API_KEY',
      SCHEMA_REGISTRY_PASSWORD_FILE: file('reg', 'API_SECRET'),
      SCHEMA_REGISTRY_CA_FILE: file('rca.pem', 'RCA'),
    });
    expect(problems).toEqual([]);
    expect(connections.registry).toMatchObject({ auth: { username: 'API_KEY', password: 'API_SECRET' }, ca: Buffer.from('RCA') });
  });

  it('a secret and its _FILE twin together, and other contradictions → every one named, no secret in any message', () => {
    const { problems, done } = read({
      ...base,
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'gssapi',
      KAFKA_SASL_USERNAME: 'gateway',
      KAFKA_SASL_PASSWORD: 'hunter2-direct',
      KAFKA_SASL_PASSWORD_FILE: file('p', 'hunter2-file'),
      KAFKA_SSL_CERT_FILE: file('only-cert', 'CERT'),
      SCHEMA_REGISTRY_USERNAME: 'key',
      SCHEMA_REGISTRY_CA_FILE: path.join(dir, 'missing.pem'),
    });
    expect(problems.join('\n')).toMatch(/KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set/);
    expect(problems.join('\n')).toMatch(/KAFKA_SASL_MECHANISM=gssapi must be one of plain, scram-sha-256, scram-sha-512/);
    expect(problems.join('\n')).toMatch(/KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/);
    expect(problems.join('\n')).toMatch(/SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD \(or _FILE\) go together/);
    expect(problems.join('\n')).toMatch(/SCHEMA_REGISTRY_CA_FILE=.*missing\.pem cannot be read: ENOENT/);
    expect(problems.join('\n')).not.toMatch(/hunter2/);
    expect(done).toThrow(ConfigError);
  });

  it('SASL settings without a SASL protocol, TLS files without TLS → refused, saying which protocol to set', () => {
    const { problems } = read({ ...base, KAFKA_SASL_USERNAME: 'u', KAFKA_SSL_CA_FILE: file('ca2', 'CA') });
    expect(problems.join('\n')).toMatch(/KAFKA_SASL_\* settings are set but KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use SASL/);
    expect(problems.join('\n')).toMatch(/KAFKA_SSL_\* files are set but KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use TLS/);
  });

  it('a _FILE that cannot be read → named by its path and error code, not its content', () => {
    const { problems } = read({
      ...base,
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'nope'),
    });
    expect(problems).toContain(`KAFKA_SASL_PASSWORD_FILE=${path.join(dir, 'nope')} cannot be read: ENOENT`);
  });
});

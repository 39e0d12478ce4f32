import { describe, expect, it } from 'vitest';
import { newClusterId, serverProperties } from '../../../stack/kafka.ts';
import { stackSettings } from '../../../stack/settings.ts';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
}

describe('serverProperties', () => {
  const props = parse(
    serverProperties(
      stackSettings({ STACK_KAFKA_PORT: '29092', STACK_KAFKA_CONTROLLER_PORT: '29093', STACK_KAFKA_SASL_SSL_PORT: '29094', STACK_KAFKA_SSL_PORT: '29095' }),
      '/data',
      {
        brokerKeystore: '/tls/broker.p12',
        keystorePassword: 'pw',
        caFile: '/tls/ca.pem',
      },
    ),
  );

  it('one KRaft node is broker and controller, on loopback only', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29092,SASL_SSL://127.0.0.1:29094,SSL://127.0.0.1:29095,CONTROLLER://127.0.0.1:29093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:29092,SASL_SSL://127.0.0.1:29094,SSL://127.0.0.1:29095');
    expect(props.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.1:29093');
  });

  it('SASL_SSL takes SCRAM-SHA-512 users; SSL requires a client certificate; both present the stack CA’s certificate', () => {
    expect(props.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL');
    expect(props.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(props.get('listener.name.ssl.ssl.client.auth')).toBe('required');
    expect(props.get('ssl.keystore.location')).toBe('/tls/broker.p12');
    expect(props.get('ssl.truststore.location')).toBe('/tls/ca.pem');
  });

  it('topics are never created by a producer that names a missing one', () => {
    expect(props.get('auto.create.topics.enable')).toBe('false');
  });

  it('internal topics fit a single node', () => {
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('log.dirs')).toBe('/data');
  });
});

describe('newClusterId', () => {
  it('→ 22 base64url characters (a 16-byte UUID), different each time', () => {
    const a = newClusterId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newClusterId()).not.toBe(a);
  });

  it('→ never starts with "-" (kafka-storage would take it for an option; seen in CI, 1 in 64)', () => {
    const ids = Array.from({ length: 2000 }, newClusterId);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
  });
});

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
  const props = parse(serverProperties(stackSettings({ STACK_KAFKA_PORT: '29092', STACK_KAFKA_CONTROLLER_PORT: '29093' }), '/data'));

  it('one KRaft node is broker and controller, on loopback only', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:29092');
    expect(props.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.1:29093');
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

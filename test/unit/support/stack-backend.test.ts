import { describe, expect, it } from 'vitest';
import { chooseKind } from '../../support/stack-backend.ts';

const engine = (answers: boolean) => async () => answers;
const both = { KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r:8081' };

describe('chooseKind', () => {
  it('STACK set → that kind, whatever else is set', async () => {
    expect(await chooseKind({ STACK: 'local', ...both }, engine(true))).toBe('local');
    expect(await chooseKind({ STACK: 'docker' }, engine(false))).toBe('docker');
    expect(await chooseKind({ STACK: 'external' }, engine(true))).toBe('external');
  });

  it('STACK with an unknown value → an error listing the kinds', async () => {
    await expect(chooseKind({ STACK: 'kubernetes' }, engine(true))).rejects.toThrow(/STACK=kubernetes .*external, docker, local/);
  });

  it('both variables set → external', async () => {
    expect(await chooseKind(both, engine(true))).toBe('external');
  });

  it('only one of the two variables → an error naming the missing one', async () => {
    await expect(chooseKind({ KAFKA_BROKERS: 'k:9092' }, engine(false))).rejects.toThrow(/SCHEMA_REGISTRY_URL is not/);
    await expect(chooseKind({ SCHEMA_REGISTRY_URL: 'http://r' }, engine(false))).rejects.toThrow(/KAFKA_BROKERS is not/);
  });

  it('nothing set, a Docker engine answers → docker', async () => {
    expect(await chooseKind({}, engine(true))).toBe('docker');
  });

  it('nothing set, no Docker engine → local', async () => {
    expect(await chooseKind({}, engine(false))).toBe('local');
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaBrokers, projectRoot, registryUrl, stackSettings } from '../../../stack/settings.ts';

describe('stackSettings', () => {
  it('no overrides → .stack under the project, ports off the usual 9092/8081', () => {
    const settings = stackSettings({});
    expect(settings.dir).toBe(path.join(projectRoot, '.stack'));
    expect(kafkaBrokers(settings)).toBe('127.0.0.1:19092');
    expect(registryUrl(settings)).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
  });

  it('STACK_DIR and port variables → used as given', () => {
    const settings = stackSettings({ STACK_DIR: '/tmp/other-stack', STACK_KAFKA_PORT: '29092', STACK_REGISTRY_PORT: '28081' });
    expect(settings.dir).toBe('/tmp/other-stack');
    expect(settings.envFile).toBe('/tmp/other-stack/env');
    expect(kafkaBrokers(settings)).toBe('127.0.0.1:29092');
    expect(registryUrl(settings)).toBe('http://127.0.0.1:28081/apis/ccompat/v7');
  });

  it('a port that is not a port → an error naming the variable and the fix', () => {
    expect(() => stackSettings({ STACK_KAFKA_PORT: 'ninety' })).toThrow(/STACK_KAFKA_PORT=ninety .*whole number from 1 to 65535/);
    expect(() => stackSettings({ STACK_REGISTRY_PORT: '70000' })).toThrow(/STACK_REGISTRY_PORT=70000/);
  });
});

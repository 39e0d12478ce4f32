// The Docker entry points agree: docker-compose.yml and the testcontainers backend default to
// the same official images, of the versions the local stack runs, and publish on loopback only.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, stackSettings } from '../../stack/settings.ts';
import { composeDefaultImages, dockerStackImages, kafkaEnvName } from '../support/docker-stack.ts';
import { gatewayRuntime } from '../../docker/gateway-runtime.ts';

const compose = readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8');

describe('Docker configuration', () => {
  it('defaults to the official Kafka and Apicurio Registry images, at the local stack’s versions', () => {
    const settings = stackSettings({});
    expect(composeDefaultImages()).toEqual({
      kafka: `apache/kafka:${settings.kafka.version}`,
      registry: `apicurio/apicurio-registry:${settings.registry.version}`,
    });
  });

  it('testcontainers takes compose’s defaults, or KAFKA_IMAGE and SCHEMA_REGISTRY_IMAGE', () => {
    expect(dockerStackImages({})).toEqual(composeDefaultImages());
    expect(dockerStackImages({ KAFKA_IMAGE: 'k:1', SCHEMA_REGISTRY_IMAGE: 'r:2' })).toEqual({ kafka: 'k:1', registry: 'r:2' });
  });

  it('publishes every port on 127.0.0.1 unless told otherwise', () => {
    const published = [...compose.matchAll(/^\s+- "([^"]+):(\d+)"$/gm)].map((m) => m[1]);
    expect(published).toHaveLength(3);
    for (const binding of published) expect(binding).toMatch(/^(127\.0\.0\.1|\$\{GATEWAY_HOST_IP:-127\.0\.0\.1\}):/);
  });

  it('builds the gateway and consumer image on NODE_IMAGE, the official Node image by default', () => {
    const dockerfile = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:26-slim$/m);
    expect(compose.match(/NODE_IMAGE: \$\{NODE_IMAGE:-node:26-slim\}/g)).toHaveLength(2);
  });

  it('runs the gateway with Node options this Node accepts (a V8 flag Node dropped would stop the container)', () => {
    const { nodeArgs, env } = gatewayRuntime();
    expect(nodeArgs).toEqual([
      '--max-semi-space-size=16',
      '--incremental-marking-soft-trigger=70',
      '--incremental-marking-hard-trigger=90',
      '--heap-growing-percent=50',
    ]);
    expect(env).toEqual({ NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' });
    const run = spawnSync(process.execPath, [...nodeArgs, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as string[]).slice(0, nodeArgs.length)).toEqual(nodeArgs);
    const refused = spawnSync(process.execPath, ['--incremental-marking-soft-trigger-typo=70', '-e', '0'], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
  });

  it('reads the image’s options from NODE_OPTIONS and the CMD, its environment from ENV, and refuses a CMD that does not run the gateway', () => {
    const dockerfile = 'ENV NODE_ENV=production\nENV NODE_OPTIONS=--a --b\nCMD ["node", "--c", "gateway/main.js"]\n';
    expect(gatewayRuntime(dockerfile)).toEqual({ nodeArgs: ['--a', '--b', '--c'], env: { NODE_ENV: 'production' } });
    expect(gatewayRuntime('CMD ["node", "gateway/main.js"]')).toEqual({ nodeArgs: [], env: {} });
    expect(() => gatewayRuntime('CMD ["node", "consumers/main.js"]')).toThrow(/does not run node … gateway\/main.js/);
    expect(() => gatewayRuntime('ENV NODE_OPTIONS=--a')).toThrow(/no CMD/);
  });

  it('names a server property as the official Kafka image reads it: . → _, _ → __, - → ___', () => {
    expect(kafkaEnvName('num.partitions')).toBe('KAFKA_NUM_PARTITIONS');
    expect(kafkaEnvName('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config')).toBe('KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___512_SASL_JAAS_CONFIG');
  });
});

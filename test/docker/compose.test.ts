// docker compose up of the whole product: Kafka, the registry, the gateway and the five
// sample consumers, from the images KAFKA_IMAGE, SCHEMA_REGISTRY_IMAGE and GATEWAY_IMAGE name
// (docker-compose.yml's defaults, or those `npm run docker:images` built). Run by
// `npm run test:docker`, which builds or names the images first.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, type Category, triggerSpec } from '../../schemas/catalog.ts';
import { projectRoot } from '../../stack/settings.ts';
import { documented, documentedTriggers } from '../support/payloads.ts';
import { freePorts } from '../support/ports.ts';
import { waitFor } from '../support/wait-for.ts';

const exec = promisify(execFile);
const PROJECT = 'cometchat-compose-test';
const USER = 'compose-test';
const PASSWORD = `pw-${process.pid}-${Date.now()}`;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'compose-test-'));
let env: NodeJS.ProcessEnv = {};
let gatewayUrl = '';

async function compose(...args: string[]): Promise<string> {
  const { stdout } = await exec(
    'bash',
    [path.join(projectRoot, 'docker', 'compose.sh'), '-p', PROJECT, '-f', path.join(projectRoot, 'docker-compose.yml'), ...args],
    {
      env,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

/** `npm run send -- <trigger | file>` against the composed gateway; its first line. */
async function send(what: string): Promise<string> {
  const { stdout } = await exec(process.execPath, [
    path.join(projectRoot, 'stack', 'send.ts'),
    what,
    '--url',
    gatewayUrl,
    '--user',
    USER,
    '--password',
    PASSWORD,
  ]);
  return stdout.split('\n')[0] ?? '';
}

/** How many events of each trigger a consumer has applied, read from its SQLite file in its container. */
async function applied(category: Category): Promise<Record<string, number>> {
  const query = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync('/data/${category}.sqlite', { readOnly: true });
const rows = db.prepare('SELECT trigger, count(*) AS n FROM processed_events GROUP BY trigger').all();
console.log(JSON.stringify(Object.fromEntries(rows.map((r) => [r.trigger, r.n]))));`;
  try {
    return JSON.parse(await compose('exec', '-T', `consumer-${category}`, 'node', '-e', query)) as Record<string, number>;
  } catch {
    return {}; // no file yet: the consumer has applied nothing
  }
}

async function appliedEverywhere(): Promise<Record<string, number>> {
  const all = await Promise.all(CATEGORIES.map((category) => applied(category)));
  return Object.assign({}, ...all) as Record<string, number>;
}

async function leftovers(): Promise<string[]> {
  const label = `label=com.docker.compose.project=${PROJECT}`;
  const found = await Promise.all([
    exec('docker', ['ps', '-aq', '--filter', label]),
    exec('docker', ['volume', 'ls', '-q', '--filter', label]),
    exec('docker', ['network', 'ls', '-q', '--filter', label]),
  ]);
  return found.flatMap(({ stdout }) => stdout.split('\n').filter(Boolean));
}

beforeAll(async () => {
  const [kafka, registry, gateway] = await freePorts(3);
  env = {
    ...process.env,
    WEBHOOK_USERNAME: USER,
    WEBHOOK_PASSWORD: PASSWORD,
    KAFKA_HOST_PORT: String(kafka),
    SCHEMA_REGISTRY_HOST_PORT: String(registry),
    GATEWAY_HOST_PORT: String(gateway),
  };
  gatewayUrl = `http://127.0.0.1:${gateway}/webhooks/cometchat`;
  await compose('down', '--volumes', '--remove-orphans'); // a run interrupted before
  const started = Date.now();
  await compose('up', '--detach', '--no-build', '--wait', '--wait-timeout', '300');
  console.log(`[compose] all services healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 420_000);

afterAll(async () => {
  await compose('down', '--volumes', '--remove-orphans', '--timeout', '20');
  rmSync(scratch, { recursive: true, force: true });
}, 120_000);

describe('docker compose up: Kafka, registry, gateway and the sample consumers', () => {
  it('runs every service healthy', async () => {
    const states = (await compose('ps', '--format', '{{.Service}} {{.Health}}')).trim().split('\n').sort();
    expect(states).toEqual(
      ['consumer-calls', 'consumer-groups', 'consumer-messages', 'consumer-moderation', 'consumer-users', 'gateway', 'kafka', 'schema-registry'].map(
        (service) => `${service} healthy`,
      ),
    );
  });

  it('accepts every documented trigger sent with npm run send, and each consumer applies its own', async () => {
    expect(documentedTriggers).toHaveLength(35);
    for (const trigger of documentedTriggers) {
      expect(await send(trigger), trigger).toMatch(/^200 /);
    }
    const expected = Object.fromEntries(documentedTriggers.map((trigger) => [trigger, 1]));
    const counts = await waitFor(
      async () => {
        const now = await appliedEverywhere();
        return documentedTriggers.every((t) => (now[t] ?? 0) >= 1) ? now : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'every documented trigger in the consumers’ SQLite files' },
    );
    expect(counts).toEqual(expected);
    // Each one in the database of its own category.
    for (const category of CATEGORIES) {
      const mine = documentedTriggers.filter((t) => triggerSpec(t)?.category === category);
      expect(Object.keys(await applied(category)).sort(), category).toEqual(mine);
    }
  }, 300_000);

  it('keeps accepting while Kafka is stopped, and the consumers get those events once it is back', async () => {
    await compose('stop', 'kafka');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const payload = documented('message_sent') as { data: { message: { id: string } } };
      payload.data.message.id = `compose-outage-${process.pid}-${i}`;
      ids.push(payload.data.message.id);
      const file = path.join(scratch, `outage-${i}.json`);
      writeFileSync(file, JSON.stringify(payload));
      // 200 from the spool: the gateway holds it on its volume until Kafka returns.
      expect(await send(file)).toMatch(/^200 /);
    }
    await compose('start', 'kafka');
    const after = await waitFor(
      async () => {
        const now = await applied('messages');
        return (now.message_sent ?? 0) >= 11 ? now : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2_000, what: 'the 10 events sent during the outage in the messages consumer' },
    );
    expect(after.message_sent).toBe(11);
  }, 300_000);
});

describe('docker compose down --volumes', () => {
  it('leaves no container, volume or network of the project behind', async () => {
    await compose('down', '--volumes', '--remove-orphans', '--timeout', '20');
    expect(await leftovers()).toEqual([]);
  }, 120_000);
});

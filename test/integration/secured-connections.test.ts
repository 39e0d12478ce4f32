// Production-style connections against real listeners of the test stack: Kafka over SASL_SSL
// with SCRAM-SHA-512 and over mutual TLS, a registry behind TLS and HTTP Basic (a front of the
// test's own before the real registry). What a wrong password or an untrusted certificate looks
// like: the gateway stays up, unready, with a reason that names the problem and no secret.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TRIGGERS, topicFor } from '../../schemas/catalog.ts';
import { createRegistryClient } from '../../schemas/registry.ts';
import type { JsonObject } from '../../schemas/json-path.ts';
import { makeCa } from '../../stack/tls.ts';
import { startTestConsumers } from '../support/consumers.ts';
import { contract } from '../support/contract.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { documented } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';
import { type RegistryFront, startRegistryFront } from '../support/registry-front.ts';
import { runNode } from '../support/run-node.ts';
import { stackEnv, uniqueName } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

const secure = inject('secureStack');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'secured-'));

/** Runs the schemas CLI with these settings; resolves with its exit code and output. */
async function schemasCli(command: 'register' | 'check', env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const run = runNode('schemas/cli.ts', [command], env);
  return { code: await run.exit, output: run.output() };
}

/** The start-up problem once it names what `pattern` says, the gateway still not started. */
async function startupProblem(gw: TestGateway, pattern: RegExp): Promise<string> {
  return waitFor(() => (pattern.test(gw.gateway.lifecycle.startupProblem ?? '') ? gw.gateway.lifecycle.startupProblem : undefined), {
    timeoutMs: 60_000,
    what: `a start-up problem matching ${pattern}`,
  });
}

// The local stack has these listeners; a docker backend or a foreign cluster does not. Outside CI
// the tests are then skipped, visibly; in CI a backend without them is a failure, never a skip.
const unavailable = secure === undefined;
describe.skipIf(unavailable && process.env.CI !== 'true')('secured connections', () => {
  beforeAll(() => {
    if (unavailable)
      throw new Error(
        'the secured-connection tests need the local stack’s SASL_SSL and SSL listeners (STACK=local, or STACK=external on a stack from npm run stack:up)',
      );
  });
  const s = secure ?? ({} as NonNullable<typeof secure>);
  const saslEnv = { ...s.saslSsl };
  const gateways: TestGateway[] = [];
  const start = async (overrides: Record<string, string>, options?: { waitReady?: boolean }) => {
    const gw = await startTestGateway({ SHUTDOWN_GRACE_MS: '2000', ...overrides }, options);
    gateways.push(gw);
    return gw;
  };
  afterAll(async () => {
    for (const gw of gateways) await gw.stop();
  });

  it('SASL_SSL with SCRAM-SHA-512 (.stack/env.secure) → the gateway publishes and a sample consumer applies the event', async () => {
    const gw = await start(saslEnv);
    const payload = documented('message_sent');
    expect((await gw.post(payload)).status).toBe(200);
    const consumers = await startTestConsumers(gw.config.topicPrefix, saslEnv);
    try {
      await waitFor(() => consumers.rows('messages', 'SELECT count(*) AS n FROM feed')[0]?.n === 1, { timeoutMs: 60_000, what: 'the feed row' });
    } finally {
      await consumers.stop();
    }
  });

  it('SASL_SSL settings → schemas:register and schemas:check work with them', async () => {
    const env = { ...saslEnv, TOPIC_PREFIX: uniqueName('it.secure.cli') };
    const registered = await schemasCli('register', env);
    expect(registered.code, registered.output).toBe(0);
    const checked = await schemasCli('check', env);
    expect(checked.code, checked.output).toBe(0);
    expect(checked.output).toContain(`${TRIGGERS.size} subjects, 0 incompatible`);
  });

  it('mutual TLS without SASL (SSL with a client certificate) → the gateway publishes', async () => {
    const gw = await start({
      KAFKA_BROKERS: s.sslBrokers,
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_SSL_CA_FILE: s.caFile,
      KAFKA_SSL_CERT_FILE: s.clientCertFile,
      KAFKA_SSL_KEY_FILE: s.clientKeyFile,
    });
    expect((await gw.post(documented('user_blocked'))).status).toBe(200);
    const [record] = await readTopics([topicFor('users', gw.config.topicPrefix)], 1);
    expect(record?.headers.ce_type).toBe('com.cometchat.webhook.user_blocked');
  });

  it('a wrong SASL password → unready with a reason naming the authentication, no secret in it; the process keeps trying', async () => {
    const wrong = `wrong-${Date.now()}-password`;
    const { KAFKA_SASL_PASSWORD_FILE: _, ...withoutFile } = saslEnv;
    const gw = await start({ ...withoutFile, KAFKA_SASL_PASSWORD: wrong }, { waitReady: false });
    const problem = await startupProblem(gw, /SASL|authentic/i);
    console.log(`[secured] wrong SASL password → ${problem}`);
    expect(problem).not.toContain(wrong);
    expect(problem).not.toContain(readFileSync(saslEnv.KAFKA_SASL_PASSWORD_FILE!, 'utf8'));
    const ready = await fetch(gw.url.replace(gw.config.webhookPath, '/readyz'));
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toMatch(/SASL|authentic/i);
    expect(gw.gateway.lifecycle.started).toBe(false);
  });

  it('a broker certificate from a CA the client does not trust → unready with a reason naming the certificate', async () => {
    const otherCa = makeCa(mkdtempSync(path.join(os.tmpdir(), 'other-ca-')), '/CN=someone else');
    const gw = await start({ ...saslEnv, KAFKA_SSL_CA_FILE: otherCa }, { waitReady: false });
    const problem = await startupProblem(gw, /certificate/i);
    console.log(`[secured] untrusted broker certificate → ${problem}`);
    expect(problem).toMatch(/certificate/i);
    expect(gw.gateway.lifecycle.started).toBe(false);
  });

  describe('a registry over TLS that requires HTTP Basic', () => {
    let front: RegistryFront;
    const apiKey = 'REGISTRYKEY';
    const apiSecret = `secret-${Date.now()}`;
    const secretFile = path.join(scratch, 'registry-secret');

    beforeAll(async () => {
      writeFileSync(secretFile, `${apiSecret}\n`);
      front = await startRegistryFront({
        registryUrl: stackEnv().SCHEMA_REGISTRY_URL,
        certFile: s.serverCertFile,
        keyFile: s.serverKeyFile,
        username: apiKey,
        password: apiSecret,
      });
    });
    afterAll(() => front?.close());

    // Each step is bounded (ready within 60 s, the record within 60 s, each registry request
    // 10 s) and timed, so a slow run says which step it was slow in.
    it('the key and secret (from a file) and the CA → schemas registered through it, records that decode through it to the original', {
      timeout: 180_000,
    }, async () => {
      const began = Date.now();
      const gw = await start({
        SCHEMA_REGISTRY_URL: front.url,
        SCHEMA_REGISTRY_USERNAME: apiKey,
        SCHEMA_REGISTRY_PASSWORD_FILE: secretFile,
        SCHEMA_REGISTRY_CA_FILE: s.caFile,
      });
      const ready = Date.now();
      const payload = documented('group_created');
      expect((await gw.post(payload)).status).toBe(200);
      const answered = Date.now();
      const [record] = await readTopics([topicFor('groups', gw.config.topicPrefix)], 1);
      const read = Date.now();
      const { schemaRegistry } = createRegistryClient({ url: front.url, auth: { username: apiKey, password: apiSecret }, ca: readFileSync(s.caFile) });
      const decoded = (await schemaRegistry.decode(record!.value)) as JsonObject;
      console.log(
        `[secured] registry front: ready ${ready - began} ms, answered ${answered - ready} ms, read ${read - answered} ms, decoded ${Date.now() - read} ms`,
      );
      expect(contract().toJson('group_created', decoded)).toEqual(payload);
    });

    it('a wrong key → a start-up error that names the registry’s 401 and the settings to check, without the secret', async () => {
      const before = front.refused();
      const gw = await start(
        { SCHEMA_REGISTRY_URL: front.url, SCHEMA_REGISTRY_USERNAME: 'WRONGKEY', SCHEMA_REGISTRY_PASSWORD: apiSecret, SCHEMA_REGISTRY_CA_FILE: s.caFile },
        { waitReady: false },
      );
      const problem = await startupProblem(gw, /401|Unauthorized/i);
      console.log(`[secured] wrong registry key → ${problem}`);
      expect(front.refused()).toBeGreaterThan(before);
      expect(problem).not.toContain(apiSecret);
      expect(gw.gateway.lifecycle.started).toBe(false);
    });
  });
});

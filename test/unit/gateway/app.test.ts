// The Koa edge with the core replaced: what the HTTP layer itself decides (auth before the body,
// body checks, the answer's shape, how a refusal is answered), in-process on port 0.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../gateway/config.ts';
import { GatewayError } from '../../../gateway/errors.ts';
import { createApp } from '../../../gateway/http/app.ts';
import { createServer, listen, closeServer, type GatewayServer } from '../../../gateway/http/server.ts';
import type { IngestOutcome, IngestRequest } from '../../../gateway/ingest/ingest.ts';
import { createMetrics } from '../../../gateway/metrics.ts';

const config = loadConfig({
  KAFKA_BROKERS: 'kafka.invalid:9092',
  SCHEMA_REGISTRY_URL: 'http://registry.invalid',
  WEBHOOK_USERNAME: 'cometchat',
  WEBHOOK_PASSWORD: 'secret',
  HOST: '127.0.0.1',
  PORT: '0',
  MAX_BODY_BYTES: '2048',
});
const auth = `Basic ${Buffer.from('cometchat:secret').toString('base64')}`;

describe('HTTP edge (core replaced)', () => {
  const seen: IngestRequest[] = [];
  let next: IngestOutcome = { status: 'accepted', placement: 'category', eventId: '00000000-0000-5000-8000-000000000000', trigger: 'message_sent' };
  let server: GatewayServer;
  let url: string;

  beforeAll(async () => {
    const app = createApp({
      config,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics({ collectDefault: false }),
      readiness: async () => ({ ready: true, checks: {} }),
      ingest: async (request) => {
        seen.push(request);
        return next;
      },
    });
    server = createServer(config, app);
    await listen(server, 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${config.webhookPath}`;
  });
  afterAll(() => closeServer(server, 1000));

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', ...headers }, body });

  it('accepted → 200 {"status":"accepted","eventId"}, the core given the parsed body, the raw text and the request id', async () => {
    const res = await post('{"trigger":"message_sent","n":1}', { 'x-request-id': 'req-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', eventId: next.status === 'accepted' ? next.eventId : '' });
    expect(seen.at(-1)).toMatchObject({ body: { trigger: 'message_sent', n: 1 }, raw: '{"trigger":"message_sent","n":1}', requestId: 'req-1' });
  });

  it('refused by the core → its status and code, Retry-After when retriable', async () => {
    next = { status: 'refused', error: new GatewayError('kafka_unavailable') };
    const res = await post('{"trigger":"message_sent"}');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(config.retryAfterSeconds));
    expect(await res.json()).toMatchObject({ error: { code: 'kafka_unavailable' } });
  });

  it('wrong credentials → 401 before the core is called', async () => {
    const before = seen.length;
    const res = await post('{"trigger":"message_sent"}', { authorization: 'Basic eDp5' });
    expect(res.status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it.each([
    ['text/plain', {}, 415, 'unsupported_media_type'],
    ['application/json; charset=latin1', {}, 415, 'unsupported_media_type'],
    ['application/json', { 'content-encoding': 'br' }, 415, 'unsupported_media_type'],
  ])('Content-Type %s %j → %i %s', async (contentType, headers, status, code) => {
    const res = await post('{"trigger":"message_sent"}', { 'content-type': contentType, ...headers });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
  });

  it('invalid JSON → 400 malformed_json naming the parser error; an empty body → 400 malformed_json', async () => {
    const bad = await post('{"trigger":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'malformed_json', message: expect.stringContaining('not valid JSON') } });
    const empty = await post('');
    expect(await empty.json()).toMatchObject({ error: { code: 'malformed_json', message: expect.stringContaining('empty') } });
  });

  it('a body over MAX_BODY_BYTES → 413 payload_too_large', async () => {
    const res = await post(JSON.stringify({ trigger: 'message_sent', pad: 'x'.repeat(3000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('a "__proto__" member → handed to the core as an own member, nothing polluted', async () => {
    next = { status: 'accepted', placement: 'category', eventId: '00000000-0000-5000-8000-000000000000', trigger: 'message_sent' };
    const res = await post('{"trigger":"message_sent","__proto__":{"polluted":true}}');
    expect(res.status).toBe(200);
    const body = seen.at(-1)?.body as Record<string, unknown>;
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('HTTP edge: idle keep-alive connections', () => {
  /** A raw connection that sends one request, then reports when the server closes it. */
  async function idleConnection(server: GatewayServer): Promise<{ closedAfterMs: Promise<number> }> {
    const { connect } = await import('node:net');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: keep-alive\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const answeredAt = performance.now();
    return { closedAfterMs: new Promise((resolve) => socket.once('close', () => resolve(performance.now() - answeredAt))) };
  }

  async function serve(env: Record<string, string>): Promise<GatewayServer> {
    const own = loadConfig({ KAFKA_BROKERS: 'kafka.invalid:9092', SCHEMA_REGISTRY_URL: 'http://registry.invalid', WEBHOOK_AUTH_DISABLED: 'true', ...env });
    const app = createApp({
      config: own,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics({ collectDefault: false }),
      readiness: async () => ({ ready: true, checks: {} }),
      ingest: async () => ({ status: 'duplicate', eventId: '00000000-0000-5000-8000-000000000000', trigger: 'message_sent' }),
    });
    const server = createServer(own, app);
    await listen(server, 0, '127.0.0.1');
    return server;
  }

  it('by default → kept open longer than the 60 s idle timeout of common load balancers, so the client side closes first', () => {
    const defaults = loadConfig({ KAFKA_BROKERS: 'kafka.invalid:9092', SCHEMA_REGISTRY_URL: 'http://registry.invalid', WEBHOOK_AUTH_DISABLED: 'true' });
    expect(defaults.keepAliveTimeoutMs).toBeGreaterThan(60_000);
  });

  it('idle for KEEP_ALIVE_TIMEOUT_MS → closed by the gateway then, not before', async () => {
    const server = await serve({ KEEP_ALIVE_TIMEOUT_MS: '400' });
    try {
      const closedAfterMs = await (await idleConnection(server)).closedAfterMs;
      expect(closedAfterMs).toBeGreaterThanOrEqual(350);
      expect(closedAfterMs).toBeLessThan(3_000);
    } finally {
      await closeServer(server, 100);
    }
  });
});

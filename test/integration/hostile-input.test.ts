// Hostile and malformed input over real HTTP: a corpus of the known nasty cases, plus
// generated bodies and headers. The gateway must never crash or answer 500, must answer each
// with its documented status, and must put nothing on a category topic that does not decode.
import fc from 'fast-check';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, topicFor } from '../../schemas/catalog.ts';
import type { JsonObject } from '../../schemas/json-path.ts';
import { contract } from '../support/contract.ts';
import { basic, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { documented, documentedTriggers } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';
import { testRegistry } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 150);
const DOCUMENTED_STATUSES = [200, 400, 401, 413, 415];

describe('hostile and malformed input', () => {
  let gw: TestGateway;
  let cases = 0;

  beforeAll(async () => {
    gw = await startTestGateway({ MAX_BODY_BYTES: String(256 * 1024), HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000' });
  });
  afterAll(async () => {
    console.log(`[hostile] cases=${cases}`);
    await gw?.stop();
  });

  async function send(
    body: string | Buffer,
    options: { auth?: string | null; contentType?: string | null; headers?: Record<string, string> } = {},
  ): Promise<number> {
    cases++;
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: {
        ...(options.auth === null ? {} : { authorization: options.auth ?? basic(gw.username, gw.password) }),
        ...(options.contentType === null ? {} : { 'content-type': options.contentType ?? 'application/json' }),
        ...options.headers,
      },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('truncated JSON of every documented payload → 400', async () => {
    for (const trigger of documentedTriggers) {
      const text = JSON.stringify(documented(trigger));
      for (const cut of [1, Math.floor(text.length / 3), Math.floor(text.length / 2), text.length - 1]) {
        expect(await send(text.slice(0, cut)), `${trigger} cut at ${cut}`).toBe(400);
      }
    }
  });

  it('JSON nested 50,000 deep → kept on the dead-letter topic (200), no crash', async () => {
    const deep = `{"trigger":"message_sent","data":{"message":{"id":"deep"},"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
    expect(await send(deep)).toBe(200);
    expect(await send(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(400);
  });

  it('a string as large as the limit allows → 200; one byte over the limit → 413', async () => {
    const payload = documented('message_sent');
    const fixed = JSON.stringify(payload).length;
    (payload.data as { message: { data: JsonObject } }).message.data.text = 'x'.repeat(256 * 1024 - fixed - 20);
    (payload.data as { message: JsonObject }).message.id = 'huge-string';
    expect(await send(JSON.stringify(payload))).toBe(200);
    (payload.data as { message: { data: JsonObject } }).message.data.text = 'x'.repeat(256 * 1024);
    expect(await send(JSON.stringify(payload))).toBe(413);
  });

  it('invalid UTF-8 inside a string → 200, decoded with replacement characters', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"trigger":"message_sent","data":{"message":{"id":"utf8","data":{"text":"'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from('"}}}}'),
    ]);
    expect(await send(bytes)).toBe(200);
  });

  it('__proto__ and constructor members, numbers beyond 2^53 → 200, nothing polluted', async () => {
    const text = JSON.stringify(documented('group_member_added'))
      .replace('"cometchat-uid-2":', '"__proto__":')
      .replace('"membersCount":2', '"membersCount":123456789012345678901234567890,"constructor":{"prototype":{"polluted":true}}');
    expect(await send(text)).toBe(200);
    expect(({} as JsonObject).polluted).toBeUndefined();
  });

  it('wrong content types → 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      expect(await send(JSON.stringify(documented('message_sent')), { contentType: type }), type).toBe(415);
    }
    expect(await send(JSON.stringify(documented('message_sent')), { contentType: null })).toBe(415);
  });

  it('missing, malformed and wrong credentials → 401', async () => {
    for (const auth of [
      null,
      '',
      'Basic',
      'Basic ',
      'Basic ===',
      'Basic Og==',
      `Basic ${Buffer.from(`${gw.username}:`).toString('base64')}`,
      'Digest x',
      `basic ${'A'.repeat(4000)}`,
      basic(gw.username, `${gw.password}x`),
    ]) {
      expect(await send('{}', { auth }), String(auth).slice(0, 40)).toBe(401);
    }
  });

  it('headers larger than MAX_HEADER_BYTES → refused by the server (431), the gateway still up', async () => {
    const status = await send('{}', { headers: { 'x-padding': 'p'.repeat(32 * 1024) } }).catch(() => 431);
    expect(status).toBe(431);
    expect(await send(JSON.stringify(documented('call_started')))).toBe(200);
  });

  it('a slowloris client (headers never finished) → cut off after HEADERS_TIMEOUT_MS, others served meanwhile', async () => {
    const { port } = new URL(gw.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    socket.write('POST /webhooks/cometchat HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    expect(await send(JSON.stringify(documented('meeting_started')))).toBe(200);
    const lasted = await closed;
    clearInterval(drip);
    expect(lasted).toBeLessThan(1000 + 2000);
  });

  it('a client that sends its body a byte at a time → cut off after REQUEST_TIMEOUT_MS', async () => {
    const { port } = new URL(gw.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    const started = Date.now();
    const closed = new Promise<number>((resolve) => {
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    socket.write(
      `POST /webhooks/cometchat HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic(gw.username, gw.password)}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    const drip = setInterval(() => socket.write(' '), 200);
    const lasted = await closed;
    clearInterval(drip);
    expect(lasted).toBeLessThan(3000 + 2000);
    expect(await send(JSON.stringify(documented('meeting_ended')))).toBe(200);
  });

  it('generated bodies (random JSON, documented payloads with random values, random bytes) → a documented status, never 500', async () => {
    const randomPayload = fc.oneof(
      fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }).map((v) => JSON.stringify(v)),
      fc.tuple(fc.constantFrom(...documentedTriggers), fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), fc.nat()).map(([trigger, value, pick]) => {
        // A documented payload with one member replaced by a random value.
        const payload = documented(trigger);
        const data = payload.data as JsonObject;
        const keys = Object.keys(data);
        data[keys[pick % keys.length]!] = value;
        return JSON.stringify(payload);
      }),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(randomPayload, async (body) => {
        const status = await send(body);
        expect(DOCUMENTED_STATUSES).toContain(status);
      }),
      { numRuns: RUNS },
    );
  });

  it('afterwards: every record on the category topics decodes, and the gateway is still healthy', async () => {
    const counts = await gw.counts();
    const categoryTopics = CATEGORIES.map((c) => topicFor(c, gw.config.topicPrefix));
    const total = categoryTopics.reduce((n, t) => n + (counts[t] ?? 0), 0);
    const records = await readTopics(categoryTopics, total);
    const registry = testRegistry();
    for (const record of records) {
      const decoded = (await registry.decode(record.value)) as JsonObject;
      expect(() => contract().toJson(decoded.trigger as string, decoded)).not.toThrow();
    }
    const ready = await fetch(gw.url.replace(gw.config.webhookPath, '/readyz'));
    expect(ready.status).toBe(200);
    expect(gw.logs.join('')).not.toMatch(/"level":50/);
  });
});

describe('connection limit', () => {
  it('more connections than MAX_CONNECTIONS → the extra ones are dropped, the others still served', async () => {
    const gw = await startTestGateway({ MAX_CONNECTIONS: '4' });
    const { port } = new URL(gw.url);
    const open = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(Number(port), '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    try {
      const extra = net.connect(Number(port), '127.0.0.1');
      const dropped = await new Promise<boolean>((resolve) => {
        extra.on('close', () => resolve(true));
        extra.on('error', () => resolve(true));
        setTimeout(() => resolve(false), 3000);
      });
      expect(dropped).toBe(true);
    } finally {
      for (const s of open) s.destroy();
    }
    // With the idle ones gone (once the server has seen them close), requests are served again.
    const connections = () => new Promise<number>((resolve) => gw.gateway.server.getConnections((_err, n) => resolve(n)));
    await waitFor(async () => (await connections()) === 0, { what: 'the server to see the idle connections close' });
    expect((await gw.post(documented('call_ended'))).status).toBe(200);
    await gw.stop();
  });
});

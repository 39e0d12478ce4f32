// Redeliveries, credential rotation, running without auth, and HTTPS.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { laneOf } from '../../gateway/ingest/sharded-publisher.ts';
import { topicFor } from '../../schemas/catalog.ts';
import { projectRoot } from '../../stack/settings.ts';
import { basic, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { documented } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';

describe('gateway: redeliveries', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  it('the same delivery twice → 200 both times, one record; the second says duplicate', async () => {
    const first = await gw.post(documented('message_sent'));
    const second = await gw.post(documented('message_sent'));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const [a, b] = [(await first.json()) as { status: string; eventId: string }, (await second.json()) as { status: string; eventId: string }];
    expect(a.status).toBe('accepted');
    expect(b).toEqual({ status: 'duplicate', eventId: a.eventId });
    expect((await gw.counts())[topicFor('messages', gw.config.topicPrefix)]).toBe(1);
  });

  it('five overlapping deliveries of one event → one record', async () => {
    const payload = documented('group_member_joined');
    const responses = await Promise.all(Array.from({ length: 5 }, () => gw.post(payload)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const statuses = await Promise.all(responses.map(async (r) => ((await r.json()) as { status: string }).status));
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    expect((await gw.counts())[topicFor('groups', gw.config.topicPrefix)]).toBe(1);
  });

  it('concurrent distinct events → all acknowledged, sharing producer batches', async () => {
    const payloads = Array.from({ length: 200 }, (_, i) => {
      const p = documented('message_read_receipt');
      (p.data as { body: Record<string, unknown> }).body.messageId = `m-${i}`;
      return p;
    });
    const responses = await Promise.all(payloads.map((p) => gw.post(p)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const records = await readTopics([topicFor('messages', gw.config.topicPrefix)], 201);
    expect(records).toHaveLength(201);
    const metrics = await gw.gateway.metrics.registry.getSingleMetricAsString('gateway_batch_messages');
    const batches = Number(/gateway_batch_messages_count (\d+)/.exec(metrics)![1]);
    expect(batches).toBeLessThan(200);
  });
});

describe('gateway: producers side by side (KAFKA_PRODUCERS=4)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ KAFKA_PRODUCERS: '4', TOPIC_PARTITIONS: '3' });
  });
  afterAll(() => gw?.stop());

  it('400 events of 8 conversations handed to the core at once → each once in Kafka, every conversation in the order it was handed over', async () => {
    const conversations = Array.from({ length: 8 }, (_, c) => `conversation-${c}`);
    const handed = new Map<string, string[]>(conversations.map((c) => [c, []]));
    const outcomes = Array.from({ length: 400 }, (_, i) => {
      const payload = documented('message_sent');
      const message = (payload.data as { message: Record<string, unknown> }).message;
      const conversation = conversations[i % conversations.length]!;
      message.id = `lanes-${i}`;
      message.conversationId = conversation;
      const raw = JSON.stringify(payload);
      return gw.gateway.ingest({ body: JSON.parse(raw), raw, requestId: `lanes-${i}`, receivedAt: Date.now() });
    });
    // The order each conversation's events were handed over in: i, i + 8, i + 16, …
    (await Promise.all(outcomes)).forEach((outcome, i) => {
      expect(outcome.status).toBe('accepted');
      if (outcome.status === 'accepted') handed.get(conversations[i % conversations.length]!)!.push(outcome.eventId);
    });
    const records = await readTopics([topicFor('messages', gw.config.topicPrefix)], 400);
    expect(records).toHaveLength(400);
    expect(new Set(records.map((r) => r.headers.ce_id)).size).toBe(400);
    for (const conversation of conversations) {
      const inKafka = records.filter((r) => r.key === conversation).map((r) => r.headers.ce_id);
      expect(inKafka, conversation).toEqual(handed.get(conversation));
    }
    // The conversations fell into more than one lane, each lane a producer of its own (its own
    // producer id in the batches' headers), and each conversation was written by one of them.
    const lanes = new Set(conversations.map((c) => laneOf(c, 4)));
    expect(lanes.size).toBeGreaterThan(1);
    expect(new Set(records.map((r) => r.producerId)).size).toBe(lanes.size);
    for (const conversation of conversations) expect(new Set(records.filter((r) => r.key === conversation).map((r) => r.producerId)).size).toBe(1);
  });
});

describe('gateway: credentials', () => {
  it('a rotation pair from WEBHOOK_EXTRA_CREDENTIALS → accepted beside the primary', async () => {
    const gw = await startTestGateway({ WEBHOOK_EXTRA_CREDENTIALS: JSON.stringify([{ username: 'next', password: 'next-secret-1' }]) });
    try {
      expect((await gw.post(documented('user_blocked'), { auth: basic('next', 'next-secret-1') })).status).toBe(200);
      expect((await gw.post(documented('user_unblocked'))).status).toBe(200);
      expect((await gw.post(documented('user_unblocked'), { auth: basic('next', 'wrong') })).status).toBe(401);
      expect(gw.logs.join('')).not.toContain('next-secret-1');
    } finally {
      await gw.stop();
    }
  });

  it('WEBHOOK_AUTH_DISABLED=true → requests without credentials accepted', async () => {
    const gw = await startTestGateway({ WEBHOOK_AUTH_DISABLED: 'true', WEBHOOK_USERNAME: '', WEBHOOK_PASSWORD: '' });
    try {
      expect((await gw.post(documented('call_started'), { auth: null })).status).toBe(200);
    } finally {
      await gw.stop();
    }
  });
});

describe('gateway: HTTPS', () => {
  let gw: TestGateway;
  let cert: Buffer;
  let certFile: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-tls-'));
    certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(certFile);
    gw = await startTestGateway({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile }, { protocol: 'https' });
  });
  afterAll(() => gw?.stop());

  function post(body: string, options: https.RequestOptions = {}): Promise<{ status: number; protocol: string | null }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        gw.url,
        { method: 'POST', ca: cert, headers: { authorization: basic(gw.username, gw.password), 'content-type': 'application/json' }, ...options },
        (res) => {
          const protocol = (res.socket as TLSSocket).getProtocol();
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, protocol }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('a certificate made by the test → served over TLS 1.2 or later, events accepted', async () => {
    const res = await post(JSON.stringify(documented('meeting_started')));
    expect(res.status).toBe(200);
    expect(res.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('a client that only speaks TLS 1.1 → no connection', async () => {
    await expect(post('{}', { maxVersion: 'TLSv1.1', minVersion: 'TLSv1.1' })).rejects.toThrow();
  });

  it('plain HTTP to the TLS port → no answer over HTTP', async () => {
    await expect(fetch(gw.url.replace('https:', 'http:'), { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it("the container's health check, given the gateway's PORT and TLS_CERT_FILE → asks /readyz over HTTPS there and passes; on a port with no gateway it fails", async () => {
    // Asynchronously: the gateway answering it runs in this process.
    const check = (port: string) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(projectRoot, 'gateway', 'http', 'healthcheck.ts')], {
          env: { ...process.env, PORT: port, TLS_CERT_FILE: certFile },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (status) => resolve({ status, stderr }));
      });
    const ready = await check(new URL(gw.url).port);
    expect(ready.stderr).toBe('');
    expect(ready.status).toBe(0);
    const nothing = await check('1');
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toMatch(/https:\/\/127\.0\.0\.1:1\/readyz/);
  });
});

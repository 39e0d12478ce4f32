// Kafka killed while events arrive: refusals are explicit (503 within the budget, never a
// hang), the gateway recovers by itself once Kafka is back, and every event answered 200 is in
// Kafka afterwards. Runs against a stack of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.ts';
import { createGateway, type Gateway } from '../../gateway/gateway.ts';
import { createMetrics } from '../../gateway/http/metrics.ts';
import { createLogger } from '../../gateway/logger.ts';
import { topicFor } from '../../schemas/catalog.ts';
import { Kafka, logLevel } from 'kafkajs';
import { basic } from '../support/gateway.ts';
import { contract } from '../support/contract.ts';
import { startDedicatedStack, type DedicatedStack } from '../support/dedicated-stack.ts';
import { documented } from '../support/payloads.ts';
import { waitFor } from '../support/wait-for.ts';

const ACK_TIMEOUT_MS = 1000;

interface Outcome {
  readonly messageId: string;
  readonly status: number;
  readonly ms: number;
}

describe('Kafka outage under load', () => {
  let stack: DedicatedStack;
  let gateway: Gateway;
  let url: string;
  const auth = basic('cometchat', 'outage-secret');
  let sequence = 0;

  async function send(): Promise<Outcome> {
    const messageId = `outage-${sequence++}`;
    const payload = documented('message_sent');
    (payload.data as { message: Record<string, unknown> }).message.id = messageId;
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    await res.arrayBuffer();
    return { messageId, status: res.status, ms: performance.now() - started };
  }

  /** `concurrency` senders in a loop until `until` says stop. */
  async function load(concurrency: number, until: () => boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!until()) outcomes.push(await send());
      }),
    );
    return outcomes;
  }

  beforeAll(async () => {
    stack = await startDedicatedStack(29_192);
    const config = loadConfig({
      ...stack.env,
      HOST: '127.0.0.1',
      PORT: '0',
      WEBHOOK_USERNAME: 'cometchat',
      WEBHOOK_PASSWORD: 'outage-secret',
      TOPIC_PARTITIONS: '3',
      TOPIC_REPLICATION_FACTOR: '1',
      ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
      LOG_LEVEL: 'silent',
    });
    gateway = createGateway(config, { logger: createLogger({ level: 'silent' }), contract: contract(), metrics: createMetrics({ collectDefault: false }) });
    url = `http://127.0.0.1:${await gateway.start()}${config.webhookPath}`;
    await gateway.ready();
  });

  afterAll(async () => {
    await gateway?.stop();
    await stack?.down();
  });

  it('SIGKILL, restart: 503s within the budget during the outage, recovery without a gateway restart, no acknowledged event lost', async () => {
    let phase: 'before' | 'outage' | 'after' = 'before';
    const stopAt = { before: Date.now() + 3000 };
    const before = await load(8, () => Date.now() > stopAt.before);
    expect(before.length).toBeGreaterThan(50);
    expect(before.every((o) => o.status === 200)).toBe(true);

    // Outage: kill the broker, keep sending for a while.
    await stack.kill('kafka');
    phase = 'outage';
    const outageEnds = Date.now() + 5000;
    const during = await load(8, () => Date.now() > outageEnds);
    expect(during.length).toBeGreaterThan(8);
    for (const o of during) expect([200, 503]).toContain(o.status);
    const refused = during.filter((o) => o.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    // Never a hang: every answer within the budget plus scheduling slack.
    expect(Math.max(...during.map((o) => o.ms))).toBeLessThan(ACK_TIMEOUT_MS + 500);

    // Kafka back: the same gateway process accepts again.
    await stack.restart();
    phase = 'after';
    await waitFor(async () => (await send()).status === 200, { timeoutMs: 90_000, intervalMs: 250, what: 'the gateway to accept again' });
    const afterEnds = Date.now() + 3000;
    const after = await load(8, () => Date.now() > afterEnds);
    expect(after.every((o) => o.status === 200)).toBe(true);

    // Every 200 is in Kafka.
    const acknowledged = new Set([...before, ...during, ...after].filter((o) => o.status === 200).map((o) => o.messageId));
    const seen = new Set<string>();
    const kafka = new Kafka({ clientId: 'outage-check', brokers: [stack.env.KAFKA_BROKERS], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `outage-check-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topicFor('messages')], fromBeginning: true });
    const c = contract();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { record } = c.decode('message_sent', message.value!);
        seen.add(((record.data as { message: { id: string } }).message).id);
      },
    });
    await waitFor(() => [...acknowledged].every((id) => seen.has(id)), { timeoutMs: 60_000, what: 'every acknowledged event in Kafka' });
    await consumer.disconnect();
    expect([...acknowledged].filter((id) => !seen.has(id))).toEqual([]);
    console.log(
      `[outage] phase=${phase} sent=${before.length + during.length + after.length} acknowledged=${acknowledged.size} ` +
        `refused=${refused.length} during-outage=${during.length} found=${[...acknowledged].filter((id) => seen.has(id)).length} ` +
        `longest-during-outage=${Math.round(Math.max(...during.map((o) => o.ms)))}ms`,
    );
  });
});

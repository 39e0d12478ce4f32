// With the spool disabled (SPOOL_ENABLED=false), Kafka killed (SIGKILL) and restarted several
// times while events arrive: refusals are explicit
// (503 within the budget, never a hang), the gateway recovers by itself each time, and every
// event answered 200 is in Kafka afterwards. Runs against a stack of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../common/logger.ts';
import { topicFor } from '../../schemas/catalog.ts';
import { basic, buildTestGateway } from '../support/gateway.ts';
import { startDedicatedStack, type DedicatedStack } from '../support/dedicated-stack.ts';
import { createSender, missingFromKafka, summarize, type Outcome } from '../support/load.ts';
import { readyWithin, waitFor } from '../support/wait-for.ts';

const ACK_TIMEOUT_MS = 1000;
const CYCLES = Number(process.env.OUTAGE_CYCLES ?? 3);

describe('Kafka outages under load', () => {
  let stack: DedicatedStack;
  let gateway: Gateway;
  let url = '';
  const sender = createSender(() => url, basic('cometchat', 'outage-secret'), 'outage');

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
      // The strict behaviour: test/faults/spool.test.ts covers the spool.
      SPOOL_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    });
    gateway = buildTestGateway(config, createLogger({ level: 'silent' }));
    url = `http://127.0.0.1:${await gateway.start()}${config.webhookPath}`;
    await readyWithin(gateway, 120_000);
  });

  afterAll(async () => {
    await gateway?.stop();
    await stack?.down();
  });

  it(`SIGKILL and restart ${CYCLES} times: 503s within the budget, recovery without a gateway restart, no acknowledged event lost`, async () => {
    const all: Outcome[] = [];
    const until = (ms: number) => {
      const end = Date.now() + ms;
      return () => Date.now() > end;
    };
    const before = await sender.load(8, until(3000));
    expect(before.every((o) => o.status === 200)).toBe(true);
    all.push(...before);
    let longest = 0;
    let refused = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await stack.kill('kafka');
      const during = await sender.load(8, until(4000));
      for (const o of during) expect([200, 503]).toContain(o.status);
      expect(during.some((o) => o.status === 503)).toBe(true);
      // Never a hang: every answer within the budget plus scheduling slack.
      longest = Math.max(longest, ...during.map((o) => o.ms));
      expect(longest).toBeLessThan(ACK_TIMEOUT_MS + 500);
      refused += during.filter((o) => o.status === 503).length;
      all.push(...during);
      await stack.restart();
      await waitFor(
        async () => {
          const o = await sender.send();
          all.push(o);
          return o.status === 200;
        },
        { timeoutMs: 90_000, intervalMs: 250, what: 'the gateway to accept again' },
      );
      const after = await sender.load(8, until(2000));
      expect(after.every((o) => o.status === 200)).toBe(true);
      all.push(...after);
    }
    const acknowledged = new Set(all.filter((o) => o.status === 200).map((o) => o.messageId));
    const missing = await missingFromKafka(stack.env.KAFKA_BROKERS, topicFor('messages'), acknowledged);
    expect(missing).toEqual([]);
    console.log(
      `[kafka-outage] cycles=${CYCLES} sent=${all.length} outcomes=${JSON.stringify(summarize(all))} acknowledged=${acknowledged.size} found=${acknowledged.size - missing.length} refused=${refused} longest-during-outage=${Math.round(longest)}ms`,
    );
  });
});

// The registry stopped while events arrive: the gateway keeps accepting (schema ids were
// resolved at start-up), /readyz says the registry is down, and a gateway started without a
// registry does not report ready and says why — until the registry is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type GatewayConfig } from '../../gateway/config.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../common/logger.ts';
import { topicFor } from '../../schemas/catalog.ts';
import { basic, buildTestGateway } from '../support/gateway.ts';
import { startDedicatedStack, type DedicatedStack } from '../support/dedicated-stack.ts';
import { createSender, missingFromKafka, summarize } from '../support/load.ts';
import { readyWithin, waitFor } from '../support/wait-for.ts';

describe('registry outage', () => {
  let stack: DedicatedStack;
  const gateways: Gateway[] = [];
  let config: GatewayConfig;

  async function start(): Promise<{ gateway: Gateway; base: string }> {
    const gateway = buildTestGateway(config, createLogger({ level: 'silent' }));
    gateways.push(gateway);
    return { gateway, base: `http://127.0.0.1:${await gateway.start()}` };
  }
  const readyz = async (base: string) => {
    const res = await fetch(`${base}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, string>; problem?: string } };
  };

  beforeAll(async () => {
    stack = await startDedicatedStack(29_292);
    config = loadConfig({
      ...stack.env,
      HOST: '127.0.0.1',
      PORT: '0',
      WEBHOOK_USERNAME: 'cometchat',
      WEBHOOK_PASSWORD: 'registry-secret',
      TOPIC_PARTITIONS: '3',
      TOPIC_REPLICATION_FACTOR: '1',
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await stack?.down();
  });

  it('registry killed under load → events still accepted and in Kafka; /readyz 503 naming the registry; a new gateway not ready, saying why; ready again once it is back', async () => {
    const first = await start();
    await readyWithin(first.gateway, 120_000);
    const sender = createSender(() => `${first.base}/webhooks/cometchat`, basic('cometchat', 'registry-secret'), 'registry');
    const until = (ms: number) => {
      const end = Date.now() + ms;
      return () => Date.now() > end;
    };
    const before = await sender.load(4, until(2000));
    await stack.kill('registry');
    const during = await sender.load(4, until(4000));
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o.status === 200)).toBe(true);

    await waitFor(async () => (await readyz(first.base)).status === 503, { what: '/readyz to notice', timeoutMs: 10_000 });
    expect((await readyz(first.base)).body.checks).toMatchObject({ registry: 'unreachable', kafka: 'ok' });

    // A gateway starting now cannot resolve its schemas: not ready, and it says why.
    const second = await start();
    await waitFor(async () => Boolean((await readyz(second.base)).body.problem), { what: 'a start-up problem', timeoutMs: 30_000 });
    const notReady = await readyz(second.base);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.schemas).toBe('pending');
    expect(notReady.body.problem).toMatch(/fetch failed|ECONNREFUSED|registering/);
    const refused = await fetch(`${second.base}/webhooks/cometchat`, {
      method: 'POST',
      headers: { authorization: basic('cometchat', 'registry-secret'), 'content-type': 'application/json' },
      body: '{"trigger":"message_sent"}',
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_ready');

    await stack.restart();
    await readyWithin(second.gateway, 120_000);
    expect((await readyz(second.base)).status).toBe(200);
    await waitFor(async () => (await readyz(first.base)).status === 200, { what: 'the first gateway ready again', timeoutMs: 10_000 });

    const acknowledged = new Set([...before, ...during].filter((o) => o.status === 200).map((o) => o.messageId));
    expect(await missingFromKafka(stack.env.KAFKA_BROKERS, topicFor('messages'), acknowledged)).toEqual([]);
    console.log(
      `[registry-outage] before=${before.length} during=${during.length} outcomes=${JSON.stringify(summarize([...before, ...during]))} acknowledged=${acknowledged.size} all-found=true`,
    );
  });
});

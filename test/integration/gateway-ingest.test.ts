// Through real HTTP to the real stack: every documented event lands once on its category topic,
// keyed and headed as the catalogue says, and decodes back to what was posted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor, triggerSpec } from '../../schemas/catalog.ts';
import type { JsonObject } from '../../schemas/json-path.ts';
import { contract } from '../support/contract.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { documented, documentedTriggers } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';
import { testRegistry } from '../support/stack-env.ts';

describe('gateway: the 35 documented events', () => {
  let gw: TestGateway;
  const eventIds = new Map<string, string>();

  beforeAll(async () => {
    gw = await startTestGateway();
    for (const trigger of documentedTriggers) {
      const res = await gw.post(documented(trigger));
      const body = (await res.json()) as { status: string; eventId: string };
      expect(res.status, trigger).toBe(200);
      expect(body.status, trigger).toBe('accepted');
      eventIds.set(trigger, body.eventId);
    }
  });
  afterAll(() => gw?.stop());

  it('each answered 200 appears exactly once on its category topic, keyed, with CloudEvents headers, decoding to the original', async () => {
    const categoryTopics = gw.topics.slice(0, 5);
    const records = await readTopics(categoryTopics, 35);
    expect(records).toHaveLength(35);
    const registry = testRegistry();
    for (const trigger of documentedTriggers) {
      const spec = triggerSpec(trigger)!;
      const mine = records.filter((r) => r.headers.ce_id === eventIds.get(trigger));
      expect(mine, trigger).toHaveLength(1);
      const [record] = mine;
      expect(record!.topic).toBe(topicFor(spec.category, gw.config.topicPrefix));
      expect(record!.key).toBe(spec.partitionKey(documented(trigger)));
      expect(record!.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: eventIds.get(trigger),
        ce_type: `com.cometchat.webhook.${trigger}`,
        ce_source: '/cometchat/apps/%3CappId%3E/webhooks/%3CwebhookID%3E',
        'content-type': 'application/avro',
      });
      expect(Date.parse(record!.headers.ce_time!)).toBeGreaterThan(Date.now() - 600_000);
      // Decoded by schema id through the registry, as any consumer would.
      const decoded = (await registry.decode(record!.value)) as JsonObject;
      expect(contract().toJson(trigger, decoded), trigger).toEqual(documented(trigger));
      expect(record!.headers.ce_dataschema).toBe(`${gw.config.connections.registry.url}/schemas/ids/${record!.value.readInt32BE(1)}`);
    }
  });

  it('nothing went to the unrouted or dead-letter topics', async () => {
    const counts = await gw.counts();
    expect(counts[gw.config.unroutedTopic]).toBe(0);
    expect(counts[gw.config.dlqTopic]).toBe(0);
  });

  it('/readyz → 200 with every check ok; /metrics counts the published events', async () => {
    const base = gw.url.replace(gw.config.webhookPath, '');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { kafka: 'ok', registry: 'ok', schemas: 'ok' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_events_total\{trigger="message_sent",outcome="published"\} 1/);
    expect(metrics).toMatch(/gateway_ack_duration_seconds_count 35/);
  });

  it('/openapi.json → the committed description of this interface', async () => {
    const res = await fetch(gw.url.replace(gw.config.webhookPath, '/openapi.json'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('the logs hold neither the password nor the Authorization header', () => {
    const all = gw.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(gw.password);
    expect(all).not.toContain(Buffer.from(`${gw.username}:${gw.password}`).toString('base64'));
  });
});

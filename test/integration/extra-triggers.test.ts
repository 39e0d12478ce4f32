// The nine examples of the triggers CometChat documents beyond its webhook reference, through real
// HTTP to the real stack: each on its category topic, decoding (by the Confluent client, through
// the registry) to what was posted, nothing in _unmapped, nothing unrouted or dead-lettered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor, triggerSpec } from '../../schemas/catalog.ts';
import type { JsonObject } from '../../schemas/json-path.ts';
import { contract } from '../support/contract.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { extra, extraExamples } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';
import { testRegistry } from '../support/stack-env.ts';

describe('gateway: the triggers documented beyond the webhook reference', () => {
  let gw: TestGateway;
  const eventIds = new Map<string, string>();

  beforeAll(async () => {
    gw = await startTestGateway();
    for (const { name } of extraExamples) {
      const res = await gw.post(extra(name));
      const body = (await res.json()) as { status: string; eventId: string };
      expect(res.status, name).toBe(200);
      expect(body.status, name).toBe('accepted');
      eventIds.set(name, body.eventId);
    }
  });
  afterAll(() => gw?.stop());

  it.each(extraExamples.map((e) => [e.name, e.trigger]))(
    '%s → 200, once on its category topic, decoding to the original, nothing in _unmapped',
    async (name, trigger) => {
      const spec = triggerSpec(trigger)!;
      const records = await readTopics(
        [topicFor(spec.category, gw.config.topicPrefix)],
        extraExamples.filter((e) => triggerSpec(e.trigger)!.category === spec.category).length,
      );
      const mine = records.filter((r) => r.headers.ce_id === eventIds.get(name));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.headers.ce_type).toBe(`com.cometchat.webhook.${trigger}`);
      expect(mine[0]!.key).toBe(spec.partitionKey(extra(name)));
      const decoded = (await testRegistry().decode(mine[0]!.value)) as JsonObject;
      expect(JSON.stringify(decoded)).not.toMatch(/"_unmapped":"/);
      expect(contract().toJson(trigger, decoded)).toEqual(extra(name));
    },
  );

  it('nothing went to the unrouted or dead-letter topics', async () => {
    const counts = await gw.counts();
    expect(counts[gw.config.unroutedTopic]).toBe(0);
    expect(counts[gw.config.dlqTopic]).toBe(0);
  });
});

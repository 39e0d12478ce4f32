// The ingest core without HTTP and without Kafka: a fake producer that acknowledges, fails or
// never answers. What it says about Kafka itself is checked against the real stack in
// test/integration/; here, only what the core decides.
import type { Message, ProducerBatch } from 'kafkajs';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDedupeWindow } from '../../../gateway/ingest/dedupe.ts';
import { createDelivery } from '../../../gateway/ingest/delivery.ts';
import { createIngest, type IngestRequest } from '../../../gateway/ingest/ingest.ts';
import { createPublisher } from '../../../gateway/ingest/publisher.ts';
import { createRouter } from '../../../gateway/ingest/route.ts';
import { createLifecycle, type Lifecycle } from '../../../gateway/lifecycle.ts';
import { createMetrics } from '../../../gateway/metrics.ts';
import { TRIGGERS } from '../../../schemas/catalog.ts';
import { loadContract } from '../../../schemas/contract.ts';
import { documented } from '../../support/payloads.ts';

const contract = loadContract();
const schemaIds = new Map([...TRIGGERS.keys()].map((trigger, i) => [trigger, 100 + i]));

/** A producer that acknowledges every batch (`ack`), refuses it (`fail`) or never answers (`hang`). */
function fakeProducer() {
  const sent: { topic: string; message: Message }[] = [];
  const producer = {
    mode: 'ack' as 'ack' | 'fail' | 'hang',
    sent,
    async sendBatch({ topicMessages = [] }: ProducerBatch) {
      if (producer.mode === 'hang') return new Promise<never>(() => undefined);
      if (producer.mode === 'fail') throw new Error('the broker refused the batch');
      for (const { topic, messages } of topicMessages) for (const message of messages) sent.push({ topic, message });
      return [];
    },
  };
  return producer;
}

function request(body: unknown): IngestRequest {
  return { body, raw: JSON.stringify(body), requestId: 'test-request', receivedAt: 1_764_000_000_000 };
}

describe('ingest core', () => {
  let producer: ReturnType<typeof fakeProducer>;
  let lifecycle: Lifecycle;
  let ingest: ReturnType<typeof createIngest>;

  beforeEach(() => {
    producer = fakeProducer();
    const metrics = createMetrics({ collectDefault: false });
    lifecycle = createLifecycle();
    lifecycle.started = true;
    ingest = createIngest({
      router: createRouter({
        contract,
        schemaIds,
        topicPrefix: 'unit',
        unroutedTopic: 'unit.unrouted',
        dlqTopic: 'unit.dlq',
        schemaRegistryUrl: 'http://registry.invalid',
      }),
      delivery: createDelivery({
        publisher: createPublisher({ producer, lingerMs: 0, maxBatchMessages: 100 }),
        ackTimeoutMs: 50,
        spool: undefined,
        metrics,
        logger: pino({ level: 'silent' }),
      }),
      dedupe: createDedupeWindow({ windowMs: 60_000, maxEntries: 100 }),
      metrics,
      lifecycle,
      logger: pino({ level: 'silent' }),
    });
  });

  it('a documented event, Kafka acknowledges → accepted on its category topic, as Avro in the wire format', async () => {
    const outcome = await ingest(request(documented('message_sent')));
    expect(outcome).toMatchObject({ status: 'accepted', placement: 'category', trigger: 'message_sent' });
    expect(producer.sent).toHaveLength(1);
    const [{ topic, message }] = producer.sent as [{ topic: string; message: Message }];
    expect(topic).toBe('unit.messages');
    expect((message.value as Buffer)[0]).toBe(0);
    expect((message.value as Buffer).readInt32BE(1)).toBe(schemaIds.get('message_sent'));
    expect(message.headers?.ce_id).toBe(outcome.status === 'accepted' ? outcome.eventId : undefined);
  });

  it('the same event again after it was acknowledged → duplicate, nothing published', async () => {
    const first = await ingest(request(documented('user_blocked')));
    const second = await ingest(request(documented('user_blocked')));
    expect(second).toEqual({ status: 'duplicate', eventId: first.status === 'accepted' ? first.eventId : '', trigger: 'user_blocked' });
    expect(producer.sent).toHaveLength(1);
  });

  it('Kafka does not acknowledge within the budget → refused kafka_unavailable (retriable), and no late publication', async () => {
    producer.mode = 'hang';
    const outcome = await ingest(request(documented('group_created')));
    expect(outcome.status).toBe('refused');
    expect(outcome.status === 'refused' && outcome.error).toMatchObject({ code: 'kafka_unavailable', status: 503, retriable: true });
  });

  it('Kafka refuses the batch → refused kafka_unavailable, and a redelivery is published once Kafka is back', async () => {
    producer.mode = 'fail';
    expect((await ingest(request(documented('call_started')))).status).toBe('refused');
    producer.mode = 'ack';
    expect(await ingest(request(documented('call_started')))).toMatchObject({ status: 'accepted', placement: 'category' });
    expect(producer.sent).toHaveLength(1);
  });

  it('a trigger the catalogue does not know → accepted, kept unchanged on the unrouted topic', async () => {
    const body = { ...documented('message_sent'), trigger: 'message_teleported' };
    const outcome = await ingest(request(body));
    expect(outcome).toMatchObject({ status: 'accepted', placement: 'unrouted', trigger: 'message_teleported' });
    expect(producer.sent[0]?.topic).toBe('unit.unrouted');
    expect(producer.sent[0]?.message.value).toBe(JSON.stringify(body));
  });

  it('a known trigger without its identity field → accepted on the dead-letter topic, the field named in a header', async () => {
    const body = documented('message_sent');
    delete ((body.data as { message: { id?: unknown } }).message as { id?: unknown }).id;
    const outcome = await ingest(request(body));
    expect(outcome).toMatchObject({ status: 'accepted', placement: 'dlq' });
    expect(producer.sent[0]?.topic).toBe('unit.dlq');
    expect(producer.sent[0]?.message.headers).toMatchObject({ error_code: 'identity_invalid', error_paths: '/data/message/id' });
  });

  it.each([
    ['an array', [1, 2], 'payload_not_object'],
    ['a number', 42, 'payload_not_object'],
    ['an object without trigger', { data: {} }, 'trigger_missing'],
    ['a trigger that is not a string', { trigger: 7 }, 'trigger_missing'],
  ])('%s → refused %s (400), nothing published', async (_what, body, code) => {
    const outcome = await ingest(request(body));
    expect(outcome.status === 'refused' && outcome.error).toMatchObject({ code, status: 400, retriable: false });
    expect(producer.sent).toHaveLength(0);
  });

  it('before start-up finished → refused not_ready; while shutting down → refused shutting_down', async () => {
    lifecycle.started = false;
    expect(await ingest(request(documented('message_sent')))).toMatchObject({ status: 'refused', error: { code: 'not_ready' } });
    lifecycle.started = true;
    lifecycle.shuttingDown = true;
    expect(await ingest(request(documented('message_sent')))).toMatchObject({ status: 'refused', error: { code: 'shutting_down' } });
    expect(producer.sent).toHaveLength(0);
  });
});

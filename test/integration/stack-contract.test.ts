// The stack speaks the APIs the product relies on: a Confluent-compatible registry that
// enforces BACKWARD compatibility, and a Kafka that takes idempotent acks=-1 writes and
// serves them to a consumer group, in the wire format any Confluent deserializer reads.
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv, testKafka, testRegistry, uniqueName } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

const recordName = 'test.stack.Greeting';
const schemaV1 = {
  type: 'record',
  name: 'Greeting',
  namespace: 'test.stack',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'sentAtMs', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

interface Greeting {
  id: string;
  count: number;
  sentAtMs: number;
  note: string | null;
}

async function subjectVersions(subject: string): Promise<number[]> {
  const res = await fetch(`${stackEnv().SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions`);
  expect(res.status).toBe(200);
  return (await res.json()) as number[];
}

describe('local stack: registry + Kafka round trip', () => {
  const topic = uniqueName('it-stack');
  // TopicRecordNameStrategy, as the gateway will register its schemas.
  const subject = `${topic}-${recordName}`;
  const registry = testRegistry();
  const kafka = testKafka('it-stack');
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let schemaId: number;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName('it-stack-group') });
    await consumer.connect();
    ({ id: schemaId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schemaV1) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    ));
  });

  afterAll(async () => {
    await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('registering a schema → the subject has version 1 and BACKWARD compatibility', async () => {
    expect(schemaId).toBeGreaterThan(0);
    expect(await subjectVersions(subject)).toEqual([1]);
    const res = await fetch(`${stackEnv().SCHEMA_REGISTRY_URL}/config/${encodeURIComponent(subject)}`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as { compatibilityLevel?: string; compatibility?: string };
    expect(config.compatibilityLevel ?? config.compatibility).toBe('BACKWARD');
  });

  it('records produced idempotently with acks=-1 → a consumer group decodes the originals', async () => {
    const originals: Greeting[] = Array.from({ length: 30 }, (_, i) => ({
      id: `greeting-${i}`,
      count: i,
      sentAtMs: 1_700_000_000_000 + i,
      note: i % 2 === 0 ? null : `odd ${i}`,
    }));
    const encoded = await Promise.all(originals.map((g) => registry.encode(schemaId, g)));
    // Confluent wire format: magic byte 0, then the schema id as a big-endian int32.
    for (const buffer of encoded) {
      expect(buffer[0]).toBe(0);
      expect(buffer.readInt32BE(1)).toBe(schemaId);
    }
    await producer.send({
      topic,
      acks: -1,
      messages: encoded.map((value, i) => ({ key: originals[i]!.id, value })),
    });

    const received = new Map<string, Greeting>();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = (await registry.decode(message.value!)) as Greeting;
        received.set(message.key!.toString(), decoded);
      },
    });
    await waitFor(() => received.size === originals.length, { what: `${originals.length} records`, timeoutMs: 60_000 });
    for (const original of originals) expect(received.get(original.id)).toEqual(original);
  });

  it('an incompatible change (new field without default) → rejected, subject unchanged', async () => {
    const incompatible = { ...schemaV1, fields: [...schemaV1.fields, { name: 'required', type: 'string' }] };
    await expect(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject })).rejects.toThrow();
    expect(await subjectVersions(subject)).toEqual([1]);
  });

  it('a compatible change (new field with default) → accepted as version 2', async () => {
    const compatible = { ...schemaV1, fields: [...schemaV1.fields, { name: 'lang', type: 'string', default: 'en' }] };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject });
    expect(id).not.toBe(schemaId);
    expect(await subjectVersions(subject)).toEqual([1, 2]);
  });
});

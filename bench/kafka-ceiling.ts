// The Kafka ceiling: kafkajs producing pre-encoded records of the same mix to the same topics,
// in batches, acks=-1, idempotent — what the gateway's producer could do if HTTP, parsing and
// conversion cost nothing. Prints one JSON line.
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { parseArgs } from 'node:util';
import { loadContract } from '../schemas/codec.ts';
import { topicFor } from '../schemas/catalog.ts';
import { benchBodies } from './mix.ts';

const { values } = parseArgs({ options: { records: { type: 'string' }, batch: { type: 'string', default: '500' }, prefix: { type: 'string' } } });
const records = Number(values.records);
const batchSize = Number(values.batch);
const contract = loadContract();
const kafka = new Kafka({ clientId: 'bench-kafka-ceiling', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });

const bodies = benchBodies(records, 'ceiling');
const encoded = bodies.map((body) => {
  const event = contract.convert(JSON.parse(body), Date.now());
  return { topic: topicFor(event.codec.spec.category, values.prefix), message: { key: event.key, value: contract.encode(event.codec, event.record, 1) } };
});

await producer.connect();
const latencies: number[] = [];
const started = performance.now();
for (let i = 0; i < encoded.length; i += batchSize) {
  const slice = encoded.slice(i, i + batchSize);
  const byTopic = new Map<string, { key: string; value: Buffer }[]>();
  for (const e of slice) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.message]);
  const t = performance.now();
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  latencies.push(performance.now() - t);
}
const seconds = (performance.now() - started) / 1000;
await producer.disconnect();
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100;
process.stdout.write(`${JSON.stringify({ records, batch: batchSize, seconds, recordsPerSecond: Math.round(records / seconds), batchLatencyMs: { p50: pct(50), p99: pct(99), p99_9: pct(99.9) } })}\n`);

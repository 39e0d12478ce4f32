// The Kafka ceiling: kafkajs producing pre-encoded records of the same mix to the same topics,
// in batches, acks=-1, idempotent — what the gateway's producer could do if HTTP, parsing and
// conversion cost nothing. The records are the gateway's own (the router makes them: key, Avro
// value, CloudEvents headers), so kafkajs does the same encoding work. Prints one JSON line.
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { parseCli } from '../common/cli-args.ts';
import { envReader } from '../common/config-reader.ts';
import { kafkaClientConfig, readKafkaConnection } from '../common/connections.ts';
import { createRouter } from '../gateway/ingest/route.ts';
import { asWebhookEvent, loadContract } from '../schemas/contract.ts';
import { benchBodies } from './mix.ts';

const { values } = parseCli(
  "usage: node bench/kafka-ceiling.ts --records N --prefix P [--batch 500]\nProduces N of the gateway's records to the existing topics under P; prints one JSON line.\n",
  {
    records: { type: 'string' },
    batch: { type: 'string', default: '500' },
    prefix: { type: 'string' },
  },
);
const records = Number(values.records);
const batchSize = Number(values.batch);
const contract = loadContract();
const read = envReader(process.env);
const connection = readKafkaConnection(read, { clientId: 'bench-kafka-ceiling' });
read.done('Kafka settings');
const kafka = new Kafka({ ...kafkaClientConfig(connection), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });

const prefix = values.prefix!;
// Schema id 1 for every trigger: the bytes are never decoded, only their size and shape matter.
const router = createRouter({
  contract,
  schemaIds: new Map([...contract.codecs.keys()].map((trigger) => [trigger, 1])),
  topicPrefix: prefix,
  unroutedTopic: `${prefix}.unrouted`,
  dlqTopic: `${prefix}.dlq`,
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://registry',
});
const encoded = benchBodies(records, 'ceiling').map((body) => router.route(asWebhookEvent(JSON.parse(body)), body, Date.now()).event);

await producer.connect();
const latencies: number[] = [];
const started = performance.now();
for (let i = 0; i < encoded.length; i += batchSize) {
  const slice = encoded.slice(i, i + batchSize);
  const byTopic = new Map<string, Message[]>();
  for (const e of slice) {
    const list = byTopic.get(e.topic);
    if (list) list.push(e.message);
    else byTopic.set(e.topic, [e.message]);
  }
  const t = performance.now();
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  latencies.push(performance.now() - t);
}
const seconds = (performance.now() - started) / 1000;
await producer.disconnect();
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100;
process.stdout.write(
  `${JSON.stringify({ records, batch: batchSize, seconds, recordsPerSecond: Math.round(records / seconds), batchLatencyMs: { p50: pct(50), p99: pct(99), p99_9: pct(99.9) } })}\n`,
);

// The Kafka client experiment: the gateway's publisher (gateway/ingest/publisher.ts: linger,
// one batch in flight, acks=-1) over kafkajs and over @platformatic/kafka, both idempotent,
// producing the gateway's own records (key, Avro value, CloudEvents headers) to the same
// topics, in one run, alternating. For each: events/s at full speed (256 outstanding), then an
// open-loop paced rate with latency from each event's due time to its acknowledgement, and the
// CPU per event. Prints a Markdown table.
import { Producer as PlatformaticProducer, ProduceAcks } from '@platformatic/kafka';
import { Kafka, logLevel, type Message, Partitioners, type ProducerBatch } from 'kafkajs';
import { parseCli } from '../common/cli-args.ts';
import { envReader } from '../common/config-reader.ts';
import { kafkaClientConfig, readKafkaConnection } from '../common/connections.ts';
import { createPublisher, type OutgoingEvent } from '../gateway/ingest/publisher.ts';
import { createRouter } from '../gateway/ingest/route.ts';
import { CATEGORIES, topicFor } from '../schemas/catalog.ts';
import { asWebhookEvent, loadContract } from '../schemas/contract.ts';
import { benchBodies } from './mix.ts';

const { values } = parseCli('usage: node --env-file=.stack/env bench/kafka-clients.ts [--rate 3500] [--seconds 15] [--rounds 2]\n', {
  rate: { type: 'string', default: '3500' },
  seconds: { type: 'string', default: '15' },
  rounds: { type: 'string', default: '2' },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const read = envReader(process.env);
const connection = readKafkaConnection(read, { clientId: 'bench-kafka-clients' });
read.done('Kafka settings');

const prefix = `bench.clients.${Date.now().toString(36)}`;
const contract = loadContract();
const router = createRouter({
  contract,
  schemaIds: new Map([...contract.codecs.keys()].map((trigger) => [trigger, 1])),
  topicPrefix: prefix,
  unroutedTopic: `${prefix}.unrouted`,
  dlqTopic: `${prefix}.dlq`,
  schemaRegistryUrl: 'http://registry',
});
const records: OutgoingEvent[] = benchBodies(200_000, 'clients').map((body) => router.route(asWebhookEvent(JSON.parse(body)), body, Date.now()).event);
let next = 0;
const record = (): OutgoingEvent => records[next++ % records.length]!;

const kafka = new Kafka({ ...kafkaClientConfig(connection), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: CATEGORIES.map((c) => ({ topic: topicFor(c, prefix), numPartitions: 3, replicationFactor: 1 })) });
await admin.disconnect();

type SendBatch = (batch: ProducerBatch) => Promise<unknown>;
interface Client {
  readonly name: string;
  sendBatch: SendBatch;
  close(): Promise<void>;
}

async function kafkajsClient(): Promise<Client> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return { name: 'kafkajs 2.2.4', sendBatch: (batch) => producer.sendBatch(batch), close: () => producer.disconnect() };
}

async function platformaticClient(): Promise<Client> {
  const producer = new PlatformaticProducer({
    clientId: 'bench-kafka-clients',
    bootstrapBrokers: [...connection.brokers],
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    // Without a timeout of its own, its first send here waited for ever.
    timeout: 5000,
  });
  const asBuffer = (v: string | Buffer | null | undefined): Buffer =>
    v === null || v === undefined ? Buffer.alloc(0) : Buffer.isBuffer(v) ? v : Buffer.from(v);
  const sendBatch: SendBatch = ({ topicMessages = [] }) =>
    producer.send({
      messages: topicMessages.flatMap(({ topic, messages }) =>
        messages.map((m: Message) => ({
          topic,
          key: asBuffer(m.key),
          value: asBuffer(m.value),
          // A Map with Buffer keys: with a plain object for headers its send never settled here.
          headers: new Map(Object.entries(m.headers ?? {}).map(([k, v]) => [Buffer.from(k), asBuffer(v as string | Buffer)])),
        })),
      ),
    });
  return { name: '@platformatic/kafka 2.12.1', sendBatch, close: () => producer.close() };
}

interface Measured {
  client: string;
  fullSpeed: number;
  pacedRate: number;
  p50: number;
  p99: number;
  p99_9: number;
  max: number;
  cpuMicrosPerEvent: number;
}

async function measure(client: Client): Promise<Measured> {
  const publisher = createPublisher({ producer: { sendBatch: client.sendBatch } as never, lingerMs: 2, maxBatchMessages: 500 });
  // Warm-up, then full speed: 256 events outstanding at all times.
  const fullSpeed = async (ms: number) => {
    let acked = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: 256 }, async () => {
        while (performance.now() < until) {
          await publisher.publish(record());
          acked++;
        }
      }),
    );
    return acked / (ms / 1000);
  };
  await fullSpeed(2000);
  const full = Math.round(await fullSpeed(seconds * 1000));
  // Open loop: event i due at start + i/rate; latency from then to its acknowledgement.
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let done = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) {
        const i = sent++;
        void publisher.publish(record()).then(() => {
          latencies[i] = performance.now() - (start + (i * 1000) / rate);
          if (++done === total) resolve();
        });
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  const used = process.cpuUsage(cpu);
  latencies.sort();
  const at = (q: number) => Math.round(latencies[Math.min(total - 1, Math.floor(q * total))]! * 10) / 10;
  await client.close();
  return {
    client: client.name,
    fullSpeed: full,
    pacedRate: rate,
    p50: at(0.5),
    p99: at(0.99),
    p99_9: at(0.999),
    max: Math.round(latencies[total - 1]! * 10) / 10,
    cpuMicrosPerEvent: Math.round((used.user + used.system) / total),
  };
}

const results: Measured[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const make of [kafkajsClient, platformaticClient]) {
    const client = await make();
    process.stderr.write(`kafka-clients: round ${round + 1}, ${client.name}\n`);
    results.push(await measure(client));
  }
}
process.stdout.write(
  `${[
    `| client | full speed, events/s | paced at ${rate}/s: p50 ms | p99 ms | p99.9 ms | max ms | CPU µs per event (paced) |`,
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.client} | ${r.fullSpeed} | ${r.p50} | ${r.p99} | ${r.p99_9} | ${r.max} | ${r.cpuMicrosPerEvent} |`),
  ].join('\n')}\n`,
);

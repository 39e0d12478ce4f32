// Reads every record of a topic, from the beginning, until the count is reached.
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { testKafka, uniqueName } from './stack-env.ts';
import { waitFor } from './wait-for.ts';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
  /** The id of the producer that wrote the record's batch (from the batch header kafkajs decodes). */
  readonly producerId: string;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
}

// A fetch waits this long for records before it answers empty; a consumer's disconnect waits for
// the fetch under way, so kafkajs's 5-s default made every read take 5 s longer than its records.
const MAX_WAIT_MS = 250;

function recordOf(topic: string, partition: number, message: KafkaMessage): ReadRecord {
  // The producer id is in the batch header kafkajs decodes, which it leaves on each message.
  const producerId = (message as KafkaMessage & { batchContext?: { producerId?: string } }).batchContext?.producerId;
  return {
    topic,
    partition,
    key: message.key?.toString() ?? null,
    value: message.value!,
    headers: headersOf(message.headers),
    producerId: String(producerId ?? ''),
  };
}

export async function readTopics(topics: readonly string[], count: number, { timeoutMs = 60_000 } = {}): Promise<ReadRecord[]> {
  const consumer = testKafka('it-read').consumer({ groupId: uniqueName('it-read'), maxWaitTimeInMs: MAX_WAIT_MS });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }: { topic: string; partition: number; message: KafkaMessage }) => {
        records.push(recordOf(topic, partition, message));
      },
    });
    await waitFor(() => records.length >= count, { timeoutMs, what: `${count} records on ${topics.join(', ')}` });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** Every record the topics hold now (up to their current end offsets). */
export async function readAll(topics: readonly string[], { timeoutMs = 60_000 } = {}): Promise<ReadRecord[]> {
  const admin = testKafka('it-read-all').admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const total = [...ends.values()].length;
  if (total === 0) return [];
  const consumer = testKafka('it-read-all').consumer({ groupId: uniqueName('it-read-all'), maxWaitTimeInMs: MAX_WAIT_MS });
  const records: ReadRecord[] = [];
  const reached = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }: { topic: string; partition: number; message: KafkaMessage }) => {
        const end = ends.get(`${topic}/${partition}`);
        if (end === undefined || BigInt(message.offset) >= end) return;
        records.push(recordOf(topic, partition, message));
        if (BigInt(message.offset) + 1n >= end) reached.add(`${topic}/${partition}`);
      },
    });
    await waitFor(() => reached.size >= total, { timeoutMs, what: `every record of ${topics.join(', ')}` });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

// Reads every record of a topic, from the beginning, until the count is reached.
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { testKafka, uniqueName } from './stack-env.ts';
import { withTimeout } from '../../gateway/startup.ts';
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

/** What one read attempt keeps: records as they come, and when it has what it came for. */
interface Reading {
  onMessage(topic: string, partition: number, message: KafkaMessage): void;
  readonly done: boolean;
  readonly records: ReadRecord[];
}

// A read is tried up to this many times within its time, each with a consumer and group of its
// own, and each step is bounded: two CI runs had a read that neither returned nor failed within
// 90 s, and kafkajs has open reports of consumers whose start or disconnect never ends
// (tulios/kafkajs#967, #1596, #1639). A read then fails within its time plus a few seconds per
// disconnect, naming the step, before the test's own limit.
const ATTEMPTS = 3;
const STEP_MS = 15_000;
const DISCONNECT_MS = 5_000;

/** Consumes `topics` from the beginning until the reading is done, within `timeoutMs` in all. */
async function read(topics: readonly string[], what: string, timeoutMs: number, start: () => Reading): Promise<ReadRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const bound = (ms: number) => Math.max(1, Math.min(ms, deadline - Date.now()));
  const problems: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS && Date.now() < deadline; attempt++) {
    const reading = start();
    const consumer = testKafka('it-read').consumer({ groupId: uniqueName('it-read'), maxWaitTimeInMs: MAX_WAIT_MS });
    try {
      await withTimeout(consumer.connect(), bound(STEP_MS), 'connecting the consumer');
      await withTimeout(consumer.subscribe({ topics: [...topics], fromBeginning: true }), bound(STEP_MS), 'subscribing');
      await consumer.run({ eachMessage: async ({ topic, partition, message }) => reading.onMessage(topic, partition, message) });
      await waitFor(() => reading.done, { timeoutMs: bound(timeoutMs / ATTEMPTS), what });
      return reading.records;
    } catch (err) {
      problems.push(`attempt ${attempt}: ${(err as Error).message}`);
    } finally {
      // Records read stay read: a disconnect that never ends is left behind, said, not waited on.
      await withTimeout(consumer.disconnect(), DISCONNECT_MS, 'disconnecting the consumer').catch((err: Error) =>
        console.warn(`[read-topic] ${err.message} (${what}); carrying on`),
      );
    }
  }
  throw new Error(`reading ${what} did not finish within ${timeoutMs} ms: ${problems.join('; ')}`);
}

export async function readTopics(topics: readonly string[], count: number, { timeoutMs = 60_000 } = {}): Promise<ReadRecord[]> {
  return read(topics, `${count} records on ${topics.join(', ')}`, timeoutMs, () => {
    const records: ReadRecord[] = [];
    return {
      records,
      onMessage: (topic, partition, message) => records.push(recordOf(topic, partition, message)),
      get done() {
        return records.length >= count;
      },
    };
  });
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
  if (ends.size === 0) return [];
  return read(topics, `every record of ${topics.join(', ')}`, timeoutMs, () => {
    const records: ReadRecord[] = [];
    const reached = new Set<string>();
    return {
      records,
      onMessage(topic, partition, message) {
        const end = ends.get(`${topic}/${partition}`);
        if (end === undefined || BigInt(message.offset) >= end) return;
        records.push(recordOf(topic, partition, message));
        if (BigInt(message.offset) + 1n >= end) reached.add(`${topic}/${partition}`);
      },
      get done() {
        return reached.size >= ends.size;
      },
    };
  });
}

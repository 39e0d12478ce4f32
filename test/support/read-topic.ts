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
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
}

export async function readTopics(topics: readonly string[], count: number, { timeoutMs = 60_000 } = {}): Promise<ReadRecord[]> {
  const consumer = testKafka('it-read').consumer({ groupId: uniqueName('it-read') });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }: { topic: string; partition: number; message: KafkaMessage }) => {
        records.push({ topic, partition, key: message.key?.toString() ?? null, value: message.value!, headers: headersOf(message.headers) });
      },
    });
    await waitFor(() => records.length >= count, { timeoutMs, what: `${count} records on ${topics.join(', ')}` });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

// Load for fault tests: distinct message_sent events from a few concurrent senders, each
// outcome recorded (status or network error, and how long it took), and a check of which
// acknowledged events Kafka holds.
import { Kafka, logLevel } from 'kafkajs';
import { contract } from './contract.ts';
import { documented } from './payloads.ts';
import { waitFor } from './wait-for.ts';

export interface Outcome {
  readonly messageId: string;
  /** HTTP status, or 0 when the request failed at the network level. */
  readonly status: number;
  readonly error?: string;
  readonly ms: number;
}

export function createSender(url: () => string, auth: string, label: string) {
  let sequence = 0;
  async function send(): Promise<Outcome> {
    const messageId = `${label}-${sequence++}`;
    const payload = documented('message_sent');
    (payload.data as { message: Record<string, unknown> }).message.id = messageId;
    const started = performance.now();
    try {
      const res = await fetch(url(), {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return { messageId, status: res.status, ms: performance.now() - started };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      return { messageId, status: 0, error: cause?.code ?? (err as Error).name, ms: performance.now() - started };
    }
  }
  /** `concurrency` senders in a loop until `until` says stop. */
  async function load(concurrency: number, until: () => boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!until()) outcomes.push(await send());
      }),
    );
    return outcomes;
  }
  return { send, load };
}

/** Waits until Kafka holds every message id in `expected` (message_sent records on `topic`); returns those missing. */
export async function missingFromKafka(brokers: string, topic: string, expected: ReadonlySet<string>, timeoutMs = 60_000): Promise<string[]> {
  const seen = new Set<string>();
  const kafka = new Kafka({ clientId: 'fault-check', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `fault-check-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const c = contract();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const { record } = c.decode('message_sent', message.value!);
      seen.add((record.data as { message: { id: string } }).message.id);
    },
  });
  try {
    await waitFor(() => [...expected].every((id) => seen.has(id)), { timeoutMs, what: 'every acknowledged event in Kafka' });
  } catch {
    /* reported below */
  } finally {
    await consumer.disconnect();
  }
  return [...expected].filter((id) => !seen.has(id));
}

export function summarize(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.status === 0 ? `network:${o.error}` : String(o.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

// Load for fault tests: distinct message_sent events from a few concurrent senders, each
// outcome recorded (status or network error, and how long it took), and a check of which
// acknowledged events Kafka holds.
import { Kafka, logLevel } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { contract } from './contract.ts';
import { documented } from './payloads.ts';
import { waitFor } from './wait-for.ts';

export interface Outcome {
  readonly messageId: string;
  /** The Kafka key (conversation id) the event was sent with. */
  readonly key: string;
  /** The answer's status field ("accepted", "spooled", "duplicate") for a 200, its error code otherwise. */
  readonly answer?: string;
  /** HTTP status, or 0 when the request failed at the network level. */
  readonly status: number;
  readonly error?: string;
  readonly ms: number;
}

export function createSender(url: () => string, auth: string, label: string) {
  let sequence = 0;
  const template = documented('message_sent');
  const defaultKey = String((template.data as { message: { conversationId: string } }).message.conversationId);
  /** One event; `key` sets its conversation (its Kafka key). */
  async function send(key = defaultKey): Promise<Outcome> {
    const messageId = `${label}-${sequence++}`;
    const payload = documented('message_sent');
    (payload.data as { message: Record<string, unknown> }).message.id = messageId;
    (payload.data as { message: Record<string, unknown> }).message.conversationId = key;
    const started = performance.now();
    try {
      const res = await fetch(url(), {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let answer: string | undefined;
      try {
        const parsed = JSON.parse(text) as { status?: string; error?: { code?: string } };
        answer = res.status === 200 ? parsed.status : parsed.error?.code;
      } catch {
        // Not JSON (a proxy's page, a reset): the status says enough.
      }
      return { messageId, key, status: res.status, ...(answer ? { answer } : {}), ms: performance.now() - started };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      return { messageId, key, status: 0, error: cause?.code ?? (err as Error).name, ms: performance.now() - started };
    }
  }
  /**
   * `concurrency` senders in a loop until `until` says stop, each waiting for its answer before
   * the next request. With `keyPerSender`, each sender has a conversation (Kafka key) of its
   * own, so the order of its events is the order that key must keep.
   */
  async function load(concurrency: number, until: () => boolean, { keyPerSender = false, intervalMs = 0 } = {}): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async (_, sender) => {
        while (!until()) {
          const started = performance.now();
          outcomes.push(await send(keyPerSender ? `${label}-conversation-${sender}` : defaultKey));
          // A steady rate: each sender starts a request every intervalMs (or as soon as it can).
          const wait = intervalMs - (performance.now() - started);
          if (wait > 0) await sleep(wait);
        }
      }),
    );
    return outcomes;
  }
  return { send, load };
}

/** Waits until Kafka holds every message id in `expected` (message_sent records on `topic`); returns those missing. */
export async function missingFromKafka(brokers: string, topic: string, expected: ReadonlySet<string>, timeoutMs = 60_000): Promise<string[]> {
  const seen = new Set((await readMessageSent(brokers, topic, expected, timeoutMs)).map((c) => c.messageId));
  return [...expected].filter((id) => !seen.has(id));
}

export interface KafkaCopy {
  readonly messageId: string;
  readonly key: string;
  readonly eventId: string;
  readonly partition: number;
  readonly offset: number;
}

/** Every message_sent record on `topic`, in offset order per partition, once `expected` are all there (or the time is up). */
export async function readMessageSent(brokers: string, topic: string, expected: ReadonlySet<string>, timeoutMs = 90_000): Promise<KafkaCopy[]> {
  const copies: KafkaCopy[] = [];
  const seen = new Set<string>();
  const kafka = new Kafka({ clientId: 'fault-read', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `fault-read-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const c = contract();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const { record } = c.decode('message_sent', message.value!);
      const messageId = (record.data as { message: { id: string } }).message.id;
      seen.add(messageId);
      copies.push({ messageId, key: message.key?.toString() ?? '', eventId: String(record.eventId), partition, offset: Number(message.offset) });
    },
  });
  try {
    await waitFor(() => [...expected].every((id) => seen.has(id)), { timeoutMs, what: 'every acknowledged event in Kafka' });
  } catch {
    /* the caller reports what is missing */
  } finally {
    await consumer.disconnect();
  }
  return copies.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** The acknowledged (200) events of `outcomes`, what Kafka holds of the topic, and which acknowledged ones it lacks. */
export async function acknowledgedInKafka(brokers: string, topic: string, outcomes: readonly Outcome[]) {
  const acknowledged = new Set(outcomes.filter((o) => o.status === 200).map((o) => o.messageId));
  const copies = await readMessageSent(brokers, topic, acknowledged);
  const seen = new Set(copies.map((c) => c.messageId));
  return { acknowledged, copies, missing: [...acknowledged].filter((id) => !seen.has(id)) };
}

export function summarize(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.status === 0 ? `network:${o.error}` : String(o.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

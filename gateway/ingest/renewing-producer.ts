// An idempotent producer that holds a batch until a broker answers it, and starts over with a
// new producer id after a broker refused one.
//
// Unanswered (Kafka unreachable, a request timed out): the same batch again, on the same
// producer, for as long as it takes. kafkajs retries a request itself, but gives up once its
// cluster cannot connect within a few attempts; resent as it was, the batch carries the same
// sequence numbers (kafkajs winds them back after a failed request, and every event has a key,
// so the partitions are the same), and the broker recognises an attempt that landed unanswered
// as a duplicate instead of writing it twice. The caller stops waiting at its own budget
// (publisher.ts), not here.
//
// Refused by a broker (or failed otherwise): the batch may have landed on some of its
// partitions, since kafkajs reads only the first error of a Produce answer and winds every
// partition's sequence back. Under the same id the next batch (re-formed by the publisher or the
// spool drainer, so not the same events) would reuse those numbers: refused for ever as
// OUT_OF_ORDER_SEQUENCE_NUMBER, or, with as many events on a partition as the one that landed,
// taken for its duplicate and dropped while acknowledged. A fresh producer id has fresh
// sequences; the price is that the events of the refused request that did land may be in Kafka
// twice, with the same event id.
import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../common/logger.ts';

/** kafkajs's error types that mean the broker has lost or refuses this producer's state. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** The errors `err` wraps, itself first (kafkajs nests them in `cause` and `errors`). */
function* chain(err: unknown, depth = 0): Generator<{ name?: unknown; type?: unknown }> {
  if (typeof err !== 'object' || err === null || depth > 5) return;
  const e = err as { name?: unknown; type?: unknown; cause?: unknown; errors?: unknown };
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
  if (e.cause !== err) yield* chain(e.cause, depth + 1);
}

/** Whether `err` (or an error it wraps) is one of PRODUCER_STATE_ERRORS. */
export function isProducerStateError(err: unknown): boolean {
  for (const e of chain(err)) if (typeof e.type === 'string' && PRODUCER_STATE_ERRORS.has(e.type)) return true;
  return false;
}

/** kafkajs's errors for a broker that could not be reached or did not answer in time. */
const UNANSWERED = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/**
 * Whether `err` says no broker answered (Kafka unreachable, a request timed out), rather than a
 * broker refusing the request (kafkajs's protocol errors carry the broker's error type) or the
 * request being wrong.
 */
export function isUnanswered(err: unknown): boolean {
  let unanswered = false;
  for (const e of chain(err)) {
    if (typeof e.type === 'string') return false;
    if (typeof e.name === 'string' && UNANSWERED.has(e.name)) unanswered = true;
  }
  return unanswered;
}

export type RenewingProducer = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch' | 'on' | 'events'>;

export function createRenewingProducer(
  make: () => Producer,
  logger: Logger,
  { retryMs = 100, maxRetryMs = 2000 }: { retryMs?: number; maxRetryMs?: number } = {},
): RenewingProducer {
  let current = make();
  /** current.connect(), once started; cleared when it failed, so the next call tries again. */
  let connected: Promise<void> | undefined;
  const listeners: [Parameters<Producer['on']>[0], Parameters<Producer['on']>[1]][] = [];
  /** Requests under way per producer: one replaced is disconnected once its last one settles. */
  const busy = new Map<Producer, number>();
  const retired = new Set<Producer>();
  /** After disconnect(): nothing is resent and no producer started. */
  let closed = false;
  const closing = new AbortController();

  function connectCurrent(): Promise<void> {
    const producer = current;
    connected ??= producer.connect().catch((err: unknown) => {
      if (current === producer) connected = undefined;
      throw err;
    });
    return connected;
  }

  function release(producer: Producer): void {
    const left = (busy.get(producer) ?? 1) - 1;
    if (left > 0) return void busy.set(producer, left);
    busy.delete(producer);
    if (retired.delete(producer)) void producer.disconnect().catch(() => undefined);
  }

  function renew(failed: Producer, err: unknown): void {
    if (current !== failed || closed) return; // another batch renewed it already
    logger.warn(
      { err: { message: (err as Error).message }, producerState: isProducerStateError(err) },
      'Kafka refused a batch: continuing with a new producer id, so that no later batch reuses its sequence numbers; the events of that batch that landed may be in Kafka twice, with the same event id',
    );
    const next = make();
    for (const [event, listener] of listeners) next.on(event, listener as never);
    current = next;
    connected = undefined;
    if (busy.has(failed)) retired.add(failed);
    else void failed.disconnect().catch(() => undefined);
  }

  return {
    get events() {
      return current.events;
    },
    connect: connectCurrent,
    disconnect: () => {
      closed = true;
      closing.abort();
      return current.disconnect();
    },
    on(event, listener) {
      listeners.push([event, listener]);
      return current.on(event, listener as never);
    },
    async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
      let waitMs = retryMs;
      let held = false;
      for (;;) {
        const producer = current;
        busy.set(producer, (busy.get(producer) ?? 0) + 1);
        let sending = false;
        try {
          await connectCurrent();
          sending = true;
          const result = await producer.sendBatch(batch);
          if (held) logger.info('Kafka answered again: a batch held while it could not be reached went out');
          return result;
        } catch (err) {
          if (closed) throw err;
          if (!isUnanswered(err)) {
            // Refused (or not sendable): the caller decides what happens to these events, and
            // its retry goes out under a new id. A producer that never connected sent nothing.
            if (sending) renew(producer, err);
            throw err;
          }
          if (!held) {
            held = true;
            logger.warn(
              { err: { message: (err as Error).message } },
              'Kafka cannot be reached: holding a batch and sending it again, unchanged, until a broker answers',
            );
          }
        } finally {
          release(producer);
        }
        await sleep(waitMs, undefined, { signal: closing.signal }).catch(() => undefined);
        waitMs = Math.min(maxRetryMs, waitMs * 2);
      }
    },
  } as RenewingProducer;
}

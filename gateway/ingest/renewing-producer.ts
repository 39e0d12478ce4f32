// An idempotent producer that starts over with a new producer id when the broker no longer
// accepts its sequence numbers. kafkajs advances a partition's sequence only when a batch is
// acknowledged: when a broker dies after writing a batch but before answering, the next batch
// (re-formed by the publisher or the spool drainer, so not the same batch) reuses those
// numbers, and the restarted broker refuses it with OUT_OF_ORDER_SEQUENCE_NUMBER, for ever.
// A fresh producer id has fresh sequences. The price: the events of the batch that landed
// unanswered may be in Kafka twice, with the same event id (consumers apply each id once).
import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import type { Logger } from '../../common/logger.ts';

/** kafkajs's error types that mean the broker has lost or refuses this producer's state. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** Whether `err` (or an error it wraps) is one of those. */
export function isProducerStateError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && PRODUCER_STATE_ERRORS.has(e.type)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isProducerStateError(inner, depth + 1))) return true;
  return e.cause !== err && isProducerStateError(e.cause, depth + 1);
}

export type RenewingProducer = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch' | 'on' | 'events'>;

export function createRenewingProducer(make: () => Producer, logger: Logger): RenewingProducer {
  let current = make();
  const listeners: [Parameters<Producer['on']>[0], Parameters<Producer['on']>[1]][] = [];
  let renewing: Promise<void> | undefined;

  async function renew(failed: Producer, err: unknown): Promise<void> {
    if (current !== failed) return renewing; // another batch renewed it already
    logger.warn(
      { err: { message: (err as Error).message } },
      'Kafka refused this producer’s sequence numbers (a broker restarted mid-request): continuing with a new producer id; the events of that request may be in Kafka twice, with the same event id',
    );
    const next = make();
    for (const [event, listener] of listeners) next.on(event, listener as never);
    current = next;
    renewing = next.connect().finally(() => {
      renewing = undefined;
    });
    void failed.disconnect().catch(() => undefined);
    return renewing;
  }

  return {
    get events() {
      return current.events;
    },
    connect: () => current.connect(),
    disconnect: () => current.disconnect(),
    on(event, listener) {
      listeners.push([event, listener]);
      return current.on(event, listener as never);
    },
    async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
      if (renewing) await renewing;
      const producer = current;
      try {
        return await producer.sendBatch(batch);
      } catch (err) {
        // The caller retries as it always does; its retry goes out under the new id.
        if (isProducerStateError(err)) await renew(producer, err).catch(() => undefined);
        throw err;
      }
    },
  } as RenewingProducer;
}

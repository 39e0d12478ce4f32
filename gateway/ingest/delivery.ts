// How an event reaches Kafka: through the publisher, waiting at most a budget for Kafka's
// acknowledgement; with the spool enabled, an event Kafka did not acknowledge within
// SPOOL_AFTER_MS is written to the spool instead and made durable, and from then on every new
// event goes to the spool too, until the drainer has emptied it. That keeps each key's order:
// nothing overtakes an event that waits in the spool. Without the spool, an event Kafka did not
// acknowledge within ACK_TIMEOUT_MS is refused (kafka_unavailable).
import type { Logger } from '../../common/logger.ts';
import { GatewayError } from '../errors.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { Drainer } from '../spool/drainer.ts';
import { SpoolError, type SpoolStore } from '../spool/store.ts';
import { type OutgoingEvent, PublishTimeoutError, type Publisher } from './publisher.ts';

/** published: Kafka acknowledged it (acks=all). spooled: it is fsynced in the spool, from which it will reach Kafka. */
export type Delivered = 'published' | 'spooled';

export interface DeliveryMeta {
  readonly eventId: string;
  readonly receivedAt: number;
  /** When Kafka acknowledged the event, directly or from the spool. */
  readonly onAcked: () => void;
}

export interface Delivery {
  /** Resolves once the event is in Kafka or durable in the spool; rejects with kafka_unavailable or spool_unavailable. */
  deliver(event: OutgoingEvent, meta: DeliveryMeta): Promise<Delivered>;
  /** Whether new events go to the spool now. */
  readonly spooling: boolean;
}

export interface SpoolDeps {
  readonly store: SpoolStore;
  readonly createDrainer: (hooks: { onDrained: (eventIds: readonly string[]) => void; onEmpty: () => void }) => Drainer;
  /** How long to wait for Kafka before spooling. */
  readonly afterMs: number;
}

export function createDelivery({
  publisher,
  ackTimeoutMs,
  spool,
  metrics,
  logger,
}: {
  publisher: Publisher;
  ackTimeoutMs: number;
  spool: SpoolDeps | undefined;
  metrics: GatewayMetrics;
  logger: Logger;
}): Delivery & { start(): void; stop(graceMs: number): Promise<void> } {
  if (!spool) {
    return {
      spooling: false,
      async deliver(event, { onAcked }) {
        try {
          await publisher.publish(event, { timeoutMs: ackTimeoutMs, onAcked });
          return 'published';
        } catch (err) {
          throw new GatewayError('kafka_unavailable', { cause: err });
        }
      },
      start() {},
      async stop() {},
    };
  }

  const { store, afterMs } = spool;
  let spooling = false;
  /** Spooled events whose first attempt had been sent: Kafka may get them twice. */
  const sentBeforeSpooled = new Set<string>();
  /** onAcked of each event waiting in the spool, called once the drainer delivered it. */
  const waitingAck = new Map<string, () => void>();
  let lastFailureLog = 0;

  const drainer = spool.createDrainer({
    onDrained(eventIds) {
      metrics.spoolDrained(eventIds.length);
      for (const id of eventIds) {
        waitingAck.get(id)?.();
        waitingAck.delete(id);
      }
    },
    onEmpty() {
      spooling = false;
      // Every first attempt has settled by now (the drainer waited for the publisher).
      sentBeforeSpooled.clear();
      logger.info('the spool is empty: events go straight to Kafka again');
    },
  });

  async function toSpool(event: OutgoingEvent, { eventId, receivedAt, onAcked }: DeliveryMeta): Promise<Delivered> {
    try {
      const appended = store.append({ topic: event.topic, message: event.message, eventId, receivedAt });
      waitingAck.set(eventId, onAcked);
      drainer.wake();
      await appended;
    } catch (err) {
      waitingAck.delete(eventId);
      const reason = err instanceof SpoolError ? err.reason : 'failed';
      metrics.spoolFailure(reason);
      // One line per second at most: a full disk under load must not flood the log.
      if (Date.now() - lastFailureLog > 1000) {
        lastFailureLog = Date.now();
        logger.error({ err: { message: (err as Error).message }, reason, spool: store.file }, 'an event could not be spooled: answered 503 spool_unavailable');
      }
      throw new GatewayError('spool_unavailable', { cause: err });
    }
    metrics.spooled();
    return 'spooled';
  }

  function startSpooling(why: string): void {
    if (spooling) return;
    spooling = true;
    logger.warn({ why, spoolAfterMs: afterMs, spooled: store.size }, 'Kafka is not acknowledging in time: events go to the spool until it is drained');
  }

  return {
    get spooling() {
      return spooling;
    },
    async deliver(event, meta) {
      if (spooling) return toSpool(event, meta);
      const { eventId, onAcked } = meta;
      try {
        await publisher.publish(event, {
          timeoutMs: afterMs,
          onAcked: () => {
            // The first attempt landed after all: its spooled copy will land too, same event id.
            if (sentBeforeSpooled.delete(eventId)) metrics.spoolDuplicate();
            onAcked();
          },
        });
        return 'published';
      } catch (err) {
        const sent = err instanceof PublishTimeoutError && err.sent;
        if (sent) sentBeforeSpooled.add(eventId);
        if (!spooling) {
          startSpooling(err instanceof PublishTimeoutError ? err.message : `Kafka refused a batch: ${(err as Error).message}`);
          // This event first, then every other one still waiting for Kafka, oldest first, then
          // whatever arrives from now on: the spool keeps the order they came in.
          const spooled = toSpool(event, meta);
          publisher.evacuate();
          return spooled;
        }
        return toSpool(event, meta);
      }
    },
    start() {
      if (store.size > 0) {
        startSpooling(`${store.size} events left in the spool by an earlier run`);
        drainer.wake();
      }
    },
    async stop(graceMs) {
      await drainer.stop(graceMs);
      store.close();
    },
  };
}

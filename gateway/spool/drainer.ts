// Sends what the spool holds to Kafka, oldest first, in batches, with each event's original
// topic, key, value and headers, and deletes events only after Kafka acknowledged them. Waits
// for the publisher's batch in flight first, so an event sent before it was spooled lands (or
// fails) before its spooled copy. Retries with backoff while Kafka refuses; says when the spool
// is empty, so that new events go straight to Kafka again.
import type { Message, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../common/logger.ts';
import type { SpooledEvent, SpoolStore } from './store.ts';

export interface Drainer {
  /** Starts draining unless it already is. */
  wake(): void;
  /** Stops after the batch being sent (waiting at most `graceMs` for it); nothing is lost: unsent rows stay. */
  stop(graceMs: number): Promise<void>;
}

export function createDrainer({
  store,
  producer,
  publisherIdle,
  onDrained,
  onEmpty,
  logger,
  batchMessages = 500,
}: {
  store: SpoolStore;
  producer: Pick<Producer, 'sendBatch'>;
  /** Resolves when the publisher has no batch in flight. */
  publisherIdle: () => Promise<void>;
  /** After Kafka acknowledged these (and they left the spool). */
  onDrained: (events: readonly SpooledEvent[]) => void;
  /** The spool is empty and nothing is being drained. */
  onEmpty: () => void;
  logger: Logger;
  batchMessages?: number;
}): Drainer {
  let loop: Promise<void> | undefined;
  let stopped = false;
  let wakeSleep: AbortController | undefined;

  async function run(): Promise<void> {
    let backoffMs = 250;
    let failing = false;
    while (!stopped && store.size > 0) {
      await publisherIdle();
      const batch = await store.oldest(batchMessages);
      if (batch.length === 0) continue;
      const byTopic = new Map<string, Message[]>();
      for (const e of batch) {
        const list = byTopic.get(e.topic);
        if (list) list.push(e.message);
        else byTopic.set(e.topic, [e.message]);
      }
      try {
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (err) {
        if (!failing) logger.warn({ err: { message: (err as Error).message }, spooled: store.size }, 'Kafka refused the spool drain; retrying with backoff');
        failing = true;
        wakeSleep = new AbortController();
        await sleep(backoffMs, undefined, { signal: wakeSleep.signal }).catch(() => undefined);
        backoffMs = Math.min(5000, backoffMs * 2);
        continue;
      }
      if (failing) logger.info({ spooled: store.size }, 'Kafka takes the spool drain again');
      failing = false;
      backoffMs = 250;
      store.remove(batch.map((e) => e.position));
      onDrained(batch);
    }
    if (!stopped && store.size === 0) onEmpty();
  }

  function wake(): void {
    if (stopped || loop) return;
    loop = run()
      .catch((err: unknown) => logger.error({ err }, 'the spool drainer stopped on an error; it starts again with the next spooled event'))
      .finally(() => {
        loop = undefined;
        // An event spooled while the loop was ending: go round again.
        if (!stopped && store.size > 0) setImmediate(wake);
      });
  }

  return {
    wake,
    async stop(graceMs) {
      stopped = true;
      wakeSleep?.abort();
      if (loop) await Promise.race([loop, sleep(graceMs)]);
    },
  };
}

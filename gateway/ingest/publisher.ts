// Hands events to Kafka in batches and tells each caller when *its* event is acknowledged by
// all in-sync replicas. Concurrent requests share one producer call: a batch goes when it is
// full, or when its oldest event has waited lingerMs (as linger.ms in Kafka's own producer),
// and never while the previous batch is in flight. A caller that gives up
// (its budget ran out) has its event taken out of the queue if it was not sent yet, so a refusal
// usually means the event was not stored. One batch is in flight at a time, as kafkajs's
// idempotent producer sends one at a time anyway; sharded-publisher.ts runs several side by side.
import type { Message, Producer, TopicMessages } from 'kafkajs';

export interface OutgoingEvent {
  readonly topic: string;
  readonly message: Message;
}

export interface Publisher {
  /**
   * Resolves once Kafka acknowledged the event; rejects with PublishTimeoutError when that took
   * longer than `timeoutMs` (then the event is withdrawn if it is still queued), or with the
   * producer's error. `onAcked` runs when Kafka acknowledges the event even if the caller had
   * stopped waiting.
   */
  publish(event: OutgoingEvent, options?: { timeoutMs?: number; onAcked?: () => void }): Promise<void>;
  /** Sends what is queued and waits for every batch in flight. */
  flush(): Promise<void>;
  /**
   * Gives up on every event still waiting, oldest first (those in the batch in flight, then the
   * queued ones, which are withdrawn): each caller's promise rejects with a PublishTimeoutError
   * saying whether its event had been sent. For moving them elsewhere, in order (the spool).
   */
  evacuate(): void;
  /** Resolves when no batch is in flight (its events acknowledged or failed). */
  idle(): Promise<void>;
}

export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
  /** Whether the event had been handed to Kafka: then it may still land there. */
  readonly sent: boolean;
  constructor(message: string, { sent }: { sent: boolean }) {
    super(message);
    this.sent = sent;
  }
}

interface Pending {
  readonly event: OutgoingEvent;
  /** performance.now() when it was queued. */
  readonly queuedAt: number;
  resolve(): void;
  reject(err: unknown): void;
  onAcked: (() => void) | undefined;
  timer: NodeJS.Timeout | undefined;
  withdrawn: boolean;
  settled: boolean;
}

export interface PublisherHooks {
  onBatch?(info: { messages: number; durationMs: number; error?: unknown }): void;
  /** As a batch is handed to the producer: how long one of its events waited in the queue. */
  onQueueWait?(ms: number): void;
}

export function createPublisher({
  producer,
  lingerMs,
  maxBatchMessages,
  hooks = {},
}: {
  producer: Pick<Producer, 'sendBatch'>;
  lingerMs: number;
  maxBatchMessages: number;
  hooks?: PublisherHooks;
}): Publisher {
  let queue: Pending[] = [];
  /** Events handed to the producer (they can no longer be withdrawn). */
  const sentOrSending = new WeakSet<Pending>();

  function settle(p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    p.settled = true;
  }
  let inFlight: Promise<void> | undefined;
  /** The events of the batch in flight. */
  let sending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;

  function schedule(): void {
    if (inFlight || queue.length === 0) return;
    const lingered = performance.now() - queue[0]!.queuedAt;
    if (queue.length >= maxBatchMessages || lingered >= lingerMs) void send();
    else timer ??= setTimeout(() => void send(), lingerMs - lingered);
  }

  async function send(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = queue.filter((p) => !p.withdrawn).slice(0, maxBatchMessages);
    queue = queue.filter((p) => !p.withdrawn).slice(batch.length);
    if (batch.length === 0) return;
    for (const p of batch) sentOrSending.add(p);
    sending = batch;
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.event.topic) ?? [];
      list.push(p.event.message);
      byTopic.set(p.event.topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const started = performance.now();
    if (hooks.onQueueWait) for (const p of batch) hooks.onQueueWait(started - p.queuedAt);
    inFlight = producer.sendBatch({ topicMessages, acks: -1 }).then(
      () => {
        hooks.onBatch?.({ messages: batch.length, durationMs: performance.now() - started });
        for (const p of batch) {
          p.onAcked?.();
          settle(p);
          p.resolve();
        }
      },
      (error: unknown) => {
        hooks.onBatch?.({ messages: batch.length, durationMs: performance.now() - started, error });
        for (const p of batch) {
          settle(p);
          p.reject(error);
        }
      },
    );
    await inFlight;
    inFlight = undefined;
    sending = [];
    // What queued meanwhile goes once it is full or its oldest event has lingered enough.
    schedule();
  }

  function giveUp(p: Pending, message: string): void {
    if (p.settled) return;
    settle(p);
    const sent = sentOrSending.has(p);
    // Still queued: withdraw it, so it is not sent after the caller was refused.
    if (!sent) p.withdrawn = true;
    p.reject(new PublishTimeoutError(message, { sent }));
  }

  return {
    evacuate() {
      for (const p of [...sending, ...queue]) giveUp(p, 'Kafka is not acknowledging; the event was moved');
    },
    async idle() {
      while (inFlight) await inFlight;
    },
    publish(event, { timeoutMs, onAcked } = {}) {
      return new Promise<void>((resolve, reject) => {
        const pending: Pending = { event, queuedAt: performance.now(), resolve, reject, onAcked, timer: undefined, withdrawn: false, settled: false };
        if (timeoutMs !== undefined) {
          // One plain timer per event: cheaper on the hot path than an AbortSignal.
          pending.timer = setTimeout(() => giveUp(pending, `Kafka did not acknowledge within ${timeoutMs} ms`), timeoutMs);
        }
        queue.push(pending);
        schedule();
      });
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      while (inFlight || queue.some((p) => !p.withdrawn)) {
        if (inFlight) await inFlight;
        else await send();
      }
    },
  };
}

// Brings back what the gateway could not place: reads the unrouted and/or dead-letter topic and
// sends each record through the current catalogue and conversion (the gateway's own router).
// What converts now goes to its category topic with the event id, key and headers it would have
// had, plus `replayed_from`; what still cannot stays where it is, counted by reason. Progress is
// the consumer group's committed offsets, committed only after Kafka acknowledged what a batch
// moved: safe to interrupt and to run again (a record sent twice keeps its event id).
import type { Admin, Consumer, IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { asWebhookEvent } from '../../schemas/contract.ts';
import { ContractError } from '../../schemas/errors.ts';
import type { Router } from '../ingest/route.ts';

export interface ReplayOptions {
  /** The side topics to read (the unrouted and/or the dead-letter topic). */
  readonly sources: readonly string[];
  /** Only these triggers; the others are skipped (and their offsets committed). */
  readonly triggers?: ReadonlySet<string> | undefined;
  /** Only records the gateway received in [since, until), epoch ms (from ce_time, else the record's timestamp). */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** Count what would happen; send and commit nothing. */
  readonly dryRun: boolean;
  /** At most this many records a second (0: no limit), so a large replay does not crowd the cluster. */
  readonly ratePerSecond: number;
  /** Records sent and committed together. */
  readonly chunkSize: number;
}

/**
 * `read()` again while Kafka answers with an error it calls retriable, for up to `timeoutMs`.
 * kafkajs's admin gives up at once on some of them (a leader not elected yet on a topic just
 * created, a group coordinator still loading on a new cluster).
 */
export async function whileRetriable<T>(read: () => Promise<T>, { timeoutMs = 30_000 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let waitMs = 100; ; waitMs = Math.min(2000, waitMs * 2)) {
    try {
      return await read();
    } catch (err) {
      if ((err as { retriable?: unknown }).retriable !== true || Date.now() + waitMs > deadline) throw err;
      await sleep(waitMs);
    }
  }
}

export interface ReplaySummary {
  read: number;
  moved: number;
  movedByTrigger: Record<string, number>;
  /** Records that still cannot be placed, by reason (trigger_unknown, identity_invalid, not_json, …). */
  left: Record<string, number>;
  /** Outside the trigger filter or the time range. */
  skipped: number;
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[0] : value);
}

type Decision =
  | { readonly outcome: 'move'; readonly trigger: string; readonly topic: string; readonly message: Message }
  | { readonly outcome: 'left'; readonly reason: string }
  | { readonly outcome: 'skip' };

/** What to do with one record of a side topic, by the current catalogue. */
export function decide(router: Router, record: { topic: string; partition: number; message: KafkaMessage }, options: ReplayOptions): Decision {
  const { topic, partition, message } = record;
  const raw = message.value?.toString('utf8') ?? '';
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { outcome: 'left', reason: 'not_json' };
  }
  const time = Date.parse(headerText(message.headers, 'ce_time') ?? '');
  const receivedAt = Number.isNaN(time) ? Number(message.timestamp) : time;
  const trigger = typeof (body as { trigger?: unknown })?.trigger === 'string' ? (body as { trigger: string }).trigger : undefined;
  if (options.triggers && (trigger === undefined || !options.triggers.has(trigger))) return { outcome: 'skip' };
  if ((options.since !== undefined && receivedAt < options.since) || (options.until !== undefined && receivedAt >= options.until)) return { outcome: 'skip' };
  let routed: ReturnType<Router['route']>;
  try {
    routed = router.route(asWebhookEvent(body), raw, receivedAt);
  } catch (err) {
    if (err instanceof ContractError) return { outcome: 'left', reason: err.code };
    throw err;
  }
  if (routed.kind !== 'category') return { outcome: 'left', reason: routed.kind === 'unrouted' ? 'trigger_unknown' : (routed.error?.code ?? 'dlq') };
  const headers = { ...routed.event.message.headers, replayed_from: `${topic}/${partition}/${message.offset}` };
  return { outcome: 'move', trigger: routed.trigger, topic: routed.event.topic, message: { ...routed.event.message, headers } };
}

/**
 * Reads every source partition up to where it ended when the replay started, then resolves with
 * the summary. `onProgress` is called after each batch.
 */
export async function replay({
  consumer,
  producer,
  admin,
  router,
  groupId,
  options,
  onProgress = () => undefined,
  stopped = () => false,
}: {
  consumer: Consumer;
  producer: Pick<Producer, 'sendBatch'>;
  admin: Admin;
  router: Router;
  groupId: string;
  options: ReplayOptions;
  onProgress?: (summary: Readonly<ReplaySummary>) => void;
  /** Asked between batches: true ends the replay after the batch in hand (progress kept). */
  stopped?: () => boolean;
}): Promise<ReplaySummary> {
  const summary: ReplaySummary = { read: 0, moved: 0, movedByTrigger: {}, left: {}, skipped: 0 };
  // Where each partition ended at the start, and where this group stands: what is left to do.
  const remaining = new Map<string, bigint>();
  const key = (topic: string, partition: number) => `${topic}/${partition}`;
  for (const topic of options.sources) {
    const ends = await whileRetriable(() => admin.fetchTopicOffsets(topic));
    const [committed] = options.dryRun ? [undefined] : await whileRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] }));
    for (const end of ends) {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const from = BigInt(at === '-1' ? end.low : at);
      if (BigInt(end.high) > from) remaining.set(key(topic, end.partition), BigInt(end.high));
    }
  }
  if (remaining.size === 0) return summary;

  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started = performance.now();
  await consumer.subscribe({ topics: [...options.sources], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const end = remaining.get(key(batch.topic, batch.partition));
      if (end === undefined) return;
      const mine = batch.messages.filter((m) => BigInt(m.offset) < end);
      // Only records that arrived after the replay started: this partition is done.
      if (mine.length === 0) remaining.delete(key(batch.topic, batch.partition));
      for (let i = 0; i < mine.length && !stopped() && isRunning() && !isStale(); i += options.chunkSize) {
        const chunk = mine.slice(i, i + options.chunkSize);
        const moves = new Map<string, Message[]>();
        for (const message of chunk) {
          summary.read++;
          const decision = decide(router, { topic: batch.topic, partition: batch.partition, message }, options);
          if (decision.outcome === 'skip') summary.skipped++;
          else if (decision.outcome === 'left') summary.left[decision.reason] = (summary.left[decision.reason] ?? 0) + 1;
          else {
            summary.moved++;
            summary.movedByTrigger[decision.trigger] = (summary.movedByTrigger[decision.trigger] ?? 0) + 1;
            moves.set(decision.topic, [...(moves.get(decision.topic) ?? []), decision.message]);
          }
        }
        const last = chunk.at(-1)!;
        if (!options.dryRun) {
          if (moves.size > 0) await producer.sendBatch({ acks: -1, topicMessages: [...moves].map(([topic, messages]) => ({ topic, messages })) });
          // Only now, with what it moved acknowledged, does the chunk count as done.
          resolveOffset(last.offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        }
        onProgress(summary);
        if (BigInt(last.offset) + 1n >= end) remaining.delete(key(batch.topic, batch.partition));
        if (options.ratePerSecond > 0) {
          const due = (summary.read / options.ratePerSecond) * 1000 - (performance.now() - started);
          if (due > 0) await sleep(due);
        }
        await heartbeat();
      }
      if (remaining.size === 0 || stopped() || !isRunning()) finish();
    },
  });
  await done;
  return summary;
}

// The shared consumer runtime: a kafkajs consumer in a group, decoding each record by its
// schema id through the registry, handing it to the program's handler, and committing its
// offset only after the handler succeeded (at-least-once; handlers are idempotent). A handler
// that fails is retried with backoff; a record that cannot be decoded, or fails every retry,
// goes to the consumers' dead-letter topic with the reason, and the partition moves on.
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { type Consumer, type IHeaders, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.ts';
import type { Contract } from '../schemas/contract.ts';
import type { JsonObject } from '../schemas/json-path.ts';
import type { EventRecord } from '../schemas/records.ts';
import type { ConsumerMetrics } from './metrics.ts';

export interface ConsumedEvent {
  readonly trigger: string;
  readonly eventId: string;
  readonly record: EventRecord;
  /** The CometChat payload the record was made from. */
  json(): JsonObject;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
}

export type Handler = (event: ConsumedEvent) => Promise<'applied' | 'duplicate' | undefined> | 'applied' | 'duplicate' | undefined;

export interface RuntimeCounters {
  processed: number;
  duplicates: number;
  retries: number;
  deadLettered: number;
}

export interface ConsumerRuntime {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly counters: Readonly<RuntimeCounters>;
  readonly running: boolean;
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

export function createConsumerRuntime({
  kafka,
  registry,
  contract,
  topic,
  groupId,
  dlqTopic,
  handle,
  logger,
  metrics,
  maxRetries = 4,
  backoffMs = 200,
  sessionTimeoutMs = 30_000,
}: {
  kafka: Kafka;
  registry: SchemaRegistry;
  contract: Contract;
  topic: string;
  groupId: string;
  dlqTopic: string;
  handle: Handler;
  logger: Logger;
  metrics: ConsumerMetrics;
  maxRetries?: number;
  backoffMs?: number;
  sessionTimeoutMs?: number;
}): ConsumerRuntime {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: sessionTimeoutMs, heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)) });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const counters: RuntimeCounters = { processed: 0, duplicates: 0, retries: 0, deadLettered: 0 };
  let running = false;

  async function deadLetter(message: KafkaMessage, partition: number, reason: 'undecodable' | 'handler_failed', err: unknown): Promise<void> {
    counters.deadLettered++;
    metrics.record('dead_lettered');
    logger.error({ reason, topic, partition, offset: message.offset, err: { message: (err as Error).message } }, 'record dead-lettered');
    await producer.send({
      topic: dlqTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            dlq_reason: reason,
            dlq_error: (err as Error).message ?? String(err),
            dlq_source_topic: topic,
            dlq_source_partition: String(partition),
            dlq_source_offset: message.offset,
            dlq_group: groupId,
          },
        },
      ],
    });
  }

  async function decode(message: KafkaMessage, partition: number): Promise<ConsumedEvent> {
    if (!message.value) throw new Error('the record has no value');
    const record = (await registry.decode(message.value)) as EventRecord;
    if (typeof record?.trigger !== 'string' || typeof record.eventId !== 'string') throw new Error('the record is not an event of the CometChat contract');
    return {
      trigger: record.trigger,
      eventId: record.eventId,
      record,
      json: () => contract.toJson(record.trigger, record as unknown as JsonObject),
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? headerText(message.headers, 'ce_id') ?? null,
    };
  }

  return {
    counters,
    get running() {
      return running;
    },
    async start() {
      await Promise.all([consumer.connect(), producer.connect()]);
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        running = false;
        // kafkajs restarts the consumer after a retriable error (a rebalance, a coordinator
        // moving): expected, and only a warning. Without a restart it stays down: an error.
        if (payload.restart) logger.warn({ err: { message: payload.error.message } }, 'consumer restarting after a retriable error');
        else logger.error({ err: { message: payload.error.message } }, 'consumer stopped after an error it cannot recover from');
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        running = true;
      });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message, heartbeat }) => {
          const next = (BigInt(message.offset) + 1n).toString();
          let event: ConsumedEvent | undefined;
          try {
            event = await decode(message, partition);
          } catch (err) {
            await deadLetter(message, partition, 'undecodable', err);
          }
          for (let attempt = 0; event; attempt++) {
            try {
              const outcome = (await handle(event)) ?? 'applied';
              if (outcome === 'duplicate') counters.duplicates++;
              else counters.processed++;
              metrics.record(outcome);
              logger.info(
                { trigger: event.trigger, eventId: event.eventId, partition, offset: message.offset },
                outcome === 'duplicate' ? 'event seen before, skipped' : 'event applied',
              );
              break;
            } catch (err) {
              if (attempt >= maxRetries) {
                await deadLetter(message, partition, 'handler_failed', err);
                break;
              }
              counters.retries++;
              metrics.retried();
              logger.warn(
                { trigger: event.trigger, eventId: event.eventId, attempt: attempt + 1, err: { message: (err as Error).message } },
                'handler failed, retrying',
              );
              await sleep(backoffMs * 2 ** attempt);
              await heartbeat();
            }
          }
          // Only now: the effect is stored (or the record is in the dead-letter topic).
          await consumer.commitOffsets([{ topic, partition, offset: next }]);
        },
      });
      running = true;
      logger.info({ topic, groupId }, 'consuming');
    },
    async stop() {
      running = false;
      // disconnect() lets the record being handled finish first.
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

// A batch no broker answered is sent again, unchanged, on the same producer until one does; a
// producer whose batch a broker refused starts over with a new producer id, so that no later
// batch reuses sequence numbers the broker may have taken already; once disconnected, nothing is
// resent or started. With stand-in producers: that a broker recognises a resent batch by its
// sequence numbers, and refuses reused ones (OUT_OF_ORDER_SEQUENCE_NUMBER), is Kafka's behaviour,
// exercised by the spool fault test against a real broker.
import type { Producer, ProducerBatch } from 'kafkajs';
import { KafkaJSConnectionError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.ts';
import { createRenewingProducer, isProducerStateError, isUnanswered } from '../../../gateway/ingest/renewing-producer.ts';
import { brokerError, nonRetriable } from '../../support/kafka-errors.ts';

const outOfOrder = () => nonRetriable(brokerError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45, false));
/** What sendBatch rejects with once kafkajs's cluster gave up connecting. */
const unreachable = () => nonRetriable(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'));

/** Stand-in producers: each call to connect or sendBatch takes the next scripted failure, if any. */
function standIns({ connectFailures = [], sendFailures = [] }: { connectFailures?: (Error | undefined)[]; sendFailures?: (Error | undefined)[] }) {
  const made: { attempts: ProducerBatch[]; sent: ProducerBatch[]; connects: number; disconnected: boolean }[] = [];
  const make = () => {
    const state = { attempts: [] as ProducerBatch[], sent: [] as ProducerBatch[], connects: 0, disconnected: false };
    made.push(state);
    return {
      events: { REQUEST: 'producer.network.request' },
      on: () => () => undefined,
      connect: async () => {
        const failure = connectFailures.shift();
        if (failure) throw failure;
        state.connects++;
      },
      disconnect: async () => {
        state.disconnected = true;
      },
      sendBatch: async (batch: ProducerBatch) => {
        state.attempts.push(batch);
        const failure = sendFailures.shift();
        if (failure) throw failure;
        state.sent.push(batch);
        return [];
      },
    } as unknown as Producer;
  };
  return { made, make };
}

const batch: ProducerBatch = { acks: -1, topicMessages: [{ topic: 't', messages: [{ key: 'k', value: 'v' }] }] };
const logger = createLogger({ level: 'silent' });
const fast = { retryMs: 1, maxRetryMs: 5 };

describe('renewing producer', () => {
  it('tells the producer-state errors and the unanswered requests apart, however kafkajs wraps them', () => {
    expect(isProducerStateError(outOfOrder())).toBe(true);
    expect(isProducerStateError(brokerError('UNKNOWN_PRODUCER_ID', 59, false))).toBe(true);
    expect(isProducerStateError(brokerError('NOT_LEADER_FOR_PARTITION', 6, true))).toBe(false);
    expect(isProducerStateError(new Error('Connection error'))).toBe(false);
    expect(isUnanswered(unreachable())).toBe(true);
    expect(isUnanswered(outOfOrder())).toBe(false);
    expect(isUnanswered(brokerError('MESSAGE_TOO_LARGE', 10, false))).toBe(false);
    expect(isUnanswered(new TypeError('Cannot read properties of undefined'))).toBe(false);
  });

  it('Kafka unreachable → the same batch is sent again on the same producer until it is answered; the caller sees only the success', async () => {
    const { made, make } = standIns({ sendFailures: [unreachable(), unreachable(), unreachable()] });
    const producer = createRenewingProducer(make, logger, fast);
    await producer.connect();
    await producer.sendBatch(batch);
    expect(made).toHaveLength(1);
    expect(made[0]!.attempts).toEqual([batch, batch, batch, batch]);
    expect(made[0]!.sent).toEqual([batch]);
  });

  it('a producer that could not connect (Kafka down) connects on the next attempt; nothing is sent before', async () => {
    const { made, make } = standIns({ connectFailures: [unreachable(), unreachable()] });
    const producer = createRenewingProducer(make, logger, fast);
    await expect(producer.connect()).rejects.toThrow(/ECONNREFUSED/);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(1);
    expect(made[0]!.connects).toBe(1);
    expect(made[0]!.attempts).toEqual([batch]);
  });

  it('OUT_OF_ORDER_SEQUENCE_NUMBER → the batch fails (the caller retries), the retry goes out on a new producer, the old one is disconnected', async () => {
    const { made, make } = standIns({ sendFailures: [outOfOrder()] });
    const producer = createRenewingProducer(make, logger, fast);
    await producer.connect();
    await expect(producer.sendBatch(batch)).rejects.toThrow(/OUT_OF_ORDER_SEQUENCE_NUMBER/);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(2);
    expect(made[0]!.disconnected).toBe(true);
    expect(made[1]!.connects).toBe(1);
    expect(made[1]!.sent).toEqual([batch]);
  });

  it('a refusal of any other kind (a partition refusing the batch for good) → the retry goes out on a new producer too', async () => {
    const { made, make } = standIns({ sendFailures: [brokerError('MESSAGE_TOO_LARGE', 10, false)] });
    const producer = createRenewingProducer(make, logger, fast);
    await producer.connect();
    await expect(producer.sendBatch(batch)).rejects.toThrow(/MESSAGE_TOO_LARGE/);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(2);
    expect(made[0]!.sent).toEqual([]);
    expect(made[1]!.sent).toEqual([batch]);
  });

  it('disconnect() while a batch is held → the batch fails, no new producer', async () => {
    const failures = Array.from({ length: 1000 }, unreachable);
    const { made, make } = standIns({ sendFailures: failures });
    const producer = createRenewingProducer(make, logger, fast);
    await producer.connect();
    const held = producer.sendBatch(batch);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await producer.disconnect();
    await expect(held).rejects.toThrow(/ECONNREFUSED/);
    expect(made).toHaveLength(1);
    expect(made[0]!.attempts.length).toBeGreaterThan(1);
  });
});

// A producer whose sequence numbers a restarted broker refuses starts over with a new producer
// id; every other failure leaves it as it is. With stand-in producers: that the broker refuses
// such a batch is Kafka's behaviour, seen in the spool fault test's broker log.
import type { Producer, ProducerBatch } from 'kafkajs';
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.ts';
import { createRenewingProducer, isProducerStateError } from '../../../gateway/ingest/renewing-producer.ts';

/** A broker error as kafkajs's protocol layer makes it. */
const protocolError = (type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(`The broker answered ${type}`), { type, code, retriable }));
/** As kafkajs's retrier hands a non-retriable one to the caller of sendBatch. */
const outOfOrder = () => {
  const inner = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45, false);
  // kafkajs's typings omit the options its retrier passes.
  const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error;
  return new NonRetriable(inner, { cause: inner });
};

function standIns(failures: (Error | undefined)[]) {
  const made: { sent: ProducerBatch[]; connected: boolean; disconnected: boolean }[] = [];
  const make = () => {
    const state = { sent: [] as ProducerBatch[], connected: false, disconnected: false };
    made.push(state);
    return {
      events: { REQUEST: 'producer.network.request' },
      on: () => () => undefined,
      connect: async () => {
        state.connected = true;
      },
      disconnect: async () => {
        state.disconnected = true;
      },
      sendBatch: async (batch: ProducerBatch) => {
        const failure = failures.shift();
        if (failure) throw failure;
        state.sent.push(batch);
        return [];
      },
    } as unknown as Producer;
  };
  return { made, make };
}

const batch: ProducerBatch = { acks: -1, topicMessages: [{ topic: 't', messages: [{ value: 'v' }] }] };
const logger = createLogger({ level: 'silent' });

describe('renewing producer', () => {
  it('recognises the producer-state errors however kafkajs wraps them, and nothing else', () => {
    expect(isProducerStateError(outOfOrder())).toBe(true);
    expect(isProducerStateError(protocolError('UNKNOWN_PRODUCER_ID', 59, false))).toBe(true);
    expect(isProducerStateError(protocolError('NOT_LEADER_FOR_PARTITION', 6, true))).toBe(false);
    expect(isProducerStateError(new Error('Connection error'))).toBe(false);
  });

  it('OUT_OF_ORDER_SEQUENCE_NUMBER → the batch fails (the caller retries), the retry goes out on a new producer, the old one is disconnected', async () => {
    const { made, make } = standIns([outOfOrder()]);
    const producer = createRenewingProducer(make, logger);
    await producer.connect();
    await expect(producer.sendBatch(batch)).rejects.toThrow(/OUT_OF_ORDER_SEQUENCE_NUMBER/);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(2);
    expect(made[0]!.disconnected).toBe(true);
    expect(made[1]!.connected).toBe(true);
    expect(made[1]!.sent).toEqual([batch]);
  });

  it('any other failure → the same producer is kept', async () => {
    const { made, make } = standIns([new Error('Connection error: ECONNREFUSED')]);
    const producer = createRenewingProducer(make, logger);
    await producer.connect();
    await expect(producer.sendBatch(batch)).rejects.toThrow(/ECONNREFUSED/);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(1);
    expect(made[0]!.sent).toEqual([batch]);
  });
});

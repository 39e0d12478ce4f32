// kafkajs's errors as its protocol layer and its retrier make them, for unit tests of code that
// tells them apart (never standing in for a claim about Kafka).
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';

/** A broker's error answer, e.g. brokerError('NOT_LEADER_OR_FOLLOWER', 6, true). */
export const brokerError = (type: string, code: number, retriable: boolean): KafkaJSProtocolError =>
  new KafkaJSProtocolError(Object.assign(new Error(`The broker answered ${type}`), { type, code, retriable }));

/** As kafkajs's retrier hands a non-retriable error to the caller of sendBatch. */
export function nonRetriable(inner: Error): Error {
  // kafkajs's typings omit the options its retrier passes.
  const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error;
  return new NonRetriable(inner, { cause: inner });
}

// The replay's reads of offsets are asked again while Kafka answers with an error it calls
// retriable (a leader not elected yet, a coordinator loading), and fail at once otherwise. The
// fresh-cluster case itself runs against the real stack in test/integration/replay.test.ts.
import { KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { whileRetriable } from '../../../gateway/replay/replay.ts';

const brokerError = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(`The broker answered ${type}`), { type, code: 6, retriable }));

describe('whileRetriable', () => {
  it('retriable errors → asked again until an answer', async () => {
    const answers = [brokerError('NOT_LEADER_OR_FOLLOWER', true), brokerError('NOT_COORDINATOR', true)];
    let calls = 0;
    const value = await whileRetriable(async () => {
      calls++;
      const next = answers.shift();
      if (next) throw next;
      return 'offsets';
    });
    expect(value).toBe('offsets');
    expect(calls).toBe(3);
  });

  it('an error that is not retriable → thrown at once', async () => {
    let calls = 0;
    const read = async () => {
      calls++;
      throw brokerError('GROUP_AUTHORIZATION_FAILED', false);
    };
    await expect(whileRetriable(read)).rejects.toThrow(/GROUP_AUTHORIZATION_FAILED/);
    expect(calls).toBe(1);
  });

  it('still failing when the time is up → the last error', async () => {
    const read = async () => {
      throw brokerError('NOT_COORDINATOR', true);
    };
    await expect(whileRetriable(read, { timeoutMs: 250 })).rejects.toThrow(/NOT_COORDINATOR/);
  });
});

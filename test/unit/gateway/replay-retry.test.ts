// The replay's reads of offsets are asked again while Kafka answers with an error it calls
// retriable (a leader not elected yet, a coordinator loading), and fail at once otherwise. The
// fresh-cluster case itself runs against the real stack in test/integration/replay.test.ts.
import { describe, expect, it } from 'vitest';
import { whileRetriable } from '../../../gateway/replay/replay.ts';
import { brokerError } from '../../support/kafka-errors.ts';

describe('whileRetriable', () => {
  it('retriable errors → asked again until an answer', async () => {
    const answers = [brokerError('NOT_LEADER_OR_FOLLOWER', 6, true), brokerError('NOT_COORDINATOR', 16, true)];
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
      throw brokerError('GROUP_AUTHORIZATION_FAILED', 30, false);
    };
    await expect(whileRetriable(read)).rejects.toThrow(/GROUP_AUTHORIZATION_FAILED/);
    expect(calls).toBe(1);
  });

  it('still failing when the time is up → the last error', async () => {
    const read = async () => {
      throw brokerError('NOT_COORDINATOR', 16, true);
    };
    await expect(whileRetriable(read, { timeoutMs: 250 })).rejects.toThrow(/NOT_COORDINATOR/);
  });
});

// The tests' topic reader: it returns what it came for, and a read that cannot finish fails
// within its time, saying what it waited for, before a test's own limit (never a silent hang).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, readTopics } from '../support/read-topic.ts';
import { testKafka, uniqueName } from '../support/stack-env.ts';

describe('reading topics in tests', () => {
  const topic = uniqueName('it.read');
  const producer = testKafka('it-read-topic').producer();

  beforeAll(async () => {
    const admin = testKafka('it-read-topic').admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
  });
  afterAll(() => producer.disconnect());

  it('records on the topic → readTopics and readAll return each of them once', async () => {
    await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ key: value, value })) });
    const counted = await readTopics([topic], 3);
    const all = await readAll([topic]);
    for (const records of [counted, all]) expect(records.map((r) => r.value.toString()).sort()).toEqual(['a', 'b', 'c']);
  });

  it('fewer records than asked for → fails within its time, naming what it waited for and each attempt', async () => {
    const began = Date.now();
    await expect(readTopics([topic], 1_000, { timeoutMs: 3_000 })).rejects.toThrow(
      new RegExp(`reading 1000 records on ${topic.replaceAll('.', '\\.')} did not finish within 3000 ms: attempt 1: timed out`),
    );
    // Its time, plus at most a bounded disconnect per attempt.
    expect(Date.now() - began).toBeLessThan(3_000 + 3 * 5_000);
  });
});

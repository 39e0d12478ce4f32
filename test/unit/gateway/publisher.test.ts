// The publisher's own logic — batching, withdrawal, error propagation — with a recording
// stand-in for the producer. What Kafka does with the batches is tested against Kafka.
import { describe, expect, it } from 'vitest';
import type { ProducerBatch } from 'kafkajs';
import { createPublisher, PublishTimeoutError } from '../../../gateway/ingest/publisher.ts';
import { recordingProducer } from '../../support/recording-producer.ts';

const event = (n: number, topic = 't') => ({ topic, message: { key: `k${n}`, value: `v${n}` } });
const count = (b: ProducerBatch) => (b.topicMessages ?? []).reduce((n, t) => n + t.messages.length, 0);

describe('publisher', () => {
  it('events published together → one batch with acks=all, grouped by topic', async () => {
    const r = recordingProducer();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 5, maxBatchMessages: 100 });
    await Promise.all([p.publish(event(1, 'a')), p.publish(event(2, 'b')), p.publish(event(3, 'a'))]);
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]!.acks).toBe(-1);
    expect(r.batches[0]!.topicMessages!.map((t) => [t.topic, t.messages.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('an event queued behind the batch in flight → its queue wait covers that batch, reported as its own batch goes', async () => {
    const r = recordingProducer();
    const waits: number[] = [];
    const p = createPublisher({ producer: r.producer as never, lingerMs: 0, maxBatchMessages: 100, hooks: { onQueueWait: (ms) => waits.push(ms) } });
    r.close();
    const first = p.publish(event(1));
    const second = p.publish(event(2));
    await new Promise((resolve) => setTimeout(resolve, 30));
    r.open();
    await Promise.all([first, second]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThan(10);
    expect(waits[1]).toBeGreaterThanOrEqual(25);
  });

  it('more than maxBatchMessages → several batches, none larger than the maximum', async () => {
    const r = recordingProducer();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 5, maxBatchMessages: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => p.publish(event(i))));
    expect(r.batches.map(count)).toEqual([4, 4, 2]);
  });

  it('events arriving while a batch is in flight → sent together in the next one', async () => {
    const r = recordingProducer();
    r.close();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 0, maxBatchMessages: 100 });
    const first = p.publish(event(0));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [p.publish(event(1)), p.publish(event(2)), p.publish(event(3))];
    r.open();
    await Promise.all([first, ...later]);
    expect(r.batches.map(count)).toEqual([1, 3]);
  });

  it('events queued behind a batch in flight → sent once the oldest has lingered lingerMs, not as soon as the broker answers', async () => {
    const r = recordingProducer();
    r.close();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 60, maxBatchMessages: 100 });
    const first = p.publish(event(0));
    await new Promise((resolve) => setTimeout(resolve, 70)); // the first batch went after lingering alone
    expect(r.batches.map(count)).toEqual([1]);
    const queuedAt = performance.now();
    const second = p.publish(event(1));
    r.open(); // the broker answers at once; event 1 has lingered ~0 ms
    await first;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const third = p.publish(event(2));
    expect(r.batches.map(count)).toEqual([1]);
    await Promise.all([second, third]);
    expect(r.batches.map(count)).toEqual([1, 2]);
    expect(r.sentAt[1]! - queuedAt).toBeGreaterThanOrEqual(55);
  });

  it('a full batch behind one in flight → sent as soon as the broker answers, without lingering', async () => {
    const r = recordingProducer();
    r.close();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 10_000, maxBatchMessages: 3 });
    const all = Array.from({ length: 6 }, (_, i) => p.publish(event(i)));
    r.open();
    await Promise.all(all);
    expect(r.batches.map(count)).toEqual([3, 3]);
  });

  it('the budget runs out while the event is queued → rejected, and the event is never sent', async () => {
    const r = recordingProducer();
    r.close();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 0, maxBatchMessages: 100 });
    const first = p.publish(event(0));
    await new Promise((resolve) => setImmediate(resolve));
    const gaveUp = p.publish(event(1), { timeoutMs: 20 });
    await expect(gaveUp).rejects.toBeInstanceOf(PublishTimeoutError);
    r.open();
    await first;
    await p.flush();
    expect(r.batches.map(count)).toEqual([1]);
  });

  it('the budget runs out after the event was sent → rejected, yet onAcked runs when Kafka acknowledges', async () => {
    const r = recordingProducer();
    r.close();
    const p = createPublisher({ producer: r.producer as never, lingerMs: 0, maxBatchMessages: 100 });
    let acked = false;
    const pending = p.publish(event(1), { timeoutMs: 20, onAcked: () => (acked = true) });
    await expect(pending).rejects.toThrow(/did not acknowledge within 20 ms/);
    expect(acked).toBe(false);
    r.open();
    await p.flush();
    expect(acked).toBe(true);
  });

  it('the producer fails → every caller of that batch is rejected with its error', async () => {
    const r = recordingProducer();
    r.failWith(new Error('broker gone'));
    const p = createPublisher({ producer: r.producer as never, lingerMs: 1, maxBatchMessages: 100 });
    const results = await Promise.allSettled([p.publish(event(1)), p.publish(event(2))]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('broker gone'));
  });
});

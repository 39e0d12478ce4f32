// Publishers side by side: an event's key picks its publisher, so one key's events keep their
// order while another key's batch is in flight. With recording stand-ins for the producers; what
// Kafka does with the batches is tested against Kafka (test/integration/gateway-kafka.test.ts).
import { describe, expect, it } from 'vitest';
import type { ProducerBatch } from 'kafkajs';
import { createPublisher, PublishTimeoutError } from '../../../gateway/ingest/publisher.ts';
import { createShardedPublisher, laneOf } from '../../../gateway/ingest/sharded-publisher.ts';
import { recordingProducer } from '../../support/recording-producer.ts';

const keys = (b: ProducerBatch) => (b.topicMessages ?? []).flatMap((t) => t.messages.map((m) => String(m.key)));

function lanes(count: number) {
  const recorders = Array.from({ length: count }, () => recordingProducer());
  const publisher = createShardedPublisher(recorders.map((r) => createPublisher({ producer: r.producer as never, lingerMs: 0, maxBatchMessages: 100 })));
  return { recorders, publisher };
}

/** A key that `laneOf` puts in `lane` of `count`. */
function keyIn(lane: number, count: number, tag: string): string {
  for (let i = 0; ; i++) if (laneOf(`${tag}-${i}`, count) === lane) return `${tag}-${i}`;
}

describe('laneOf', () => {
  it('the same key → always the same lane, whether a string or its UTF-8 bytes (ASCII keys)', () => {
    for (const key of ['conversation-1', 'group_cometchat-uid-1_user_cometchat-uid-2', '']) {
      expect(laneOf(key, 4)).toBe(laneOf(key, 4));
      expect(laneOf(Buffer.from(key), 4)).toBe(laneOf(key, 4));
    }
  });

  it('no key, or one lane → lane 0', () => {
    expect(laneOf(null, 4)).toBe(0);
    expect(laneOf(undefined, 4)).toBe(0);
    expect(laneOf('anything', 1)).toBe(0);
  });

  it('10,000 distinct keys → spread over 4 lanes, none with fewer than 20% or more than 30%', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[laneOf(`user-${i}@app`, 4)]!++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(2_000);
      expect(c).toBeLessThan(3_000);
    }
  });
});

describe('sharded publisher', () => {
  it('one publisher → that publisher itself, nothing in between', () => {
    const p = createPublisher({ producer: recordingProducer().producer as never, lingerMs: 0, maxBatchMessages: 1 });
    expect(createShardedPublisher([p])).toBe(p);
    expect(() => createShardedPublisher([])).toThrow(/at least one publisher/);
  });

  it('a batch in flight in one lane → an event with a key of the other lane is sent meanwhile', async () => {
    const { recorders, publisher } = lanes(2);
    const [a, b] = [keyIn(0, 2, 'a'), keyIn(1, 2, 'b')];
    recorders[0]!.close();
    const first = publisher.publish({ topic: 't', message: { key: a, value: '1' } });
    await publisher.publish({ topic: 't', message: { key: b, value: '2' } });
    expect(recorders[1]!.batches.map(keys)).toEqual([[b]]);
    recorders[0]!.open();
    await first;
    expect(recorders[0]!.batches.map(keys)).toEqual([[a]]);
  });

  it('events of one key → all through one lane, in the order they were published', async () => {
    const { recorders, publisher } = lanes(3);
    const key = 'conversation-7';
    const lane = laneOf(key, 3);
    recorders[lane]!.close();
    const sent = Array.from({ length: 5 }, (_, i) => publisher.publish({ topic: 't', message: { key, value: String(i) } }));
    recorders[lane]!.open();
    await Promise.all(sent);
    const values = recorders[lane]!.batches.flatMap((b) => b.topicMessages!.flatMap((t) => t.messages.map((m) => m.value)));
    expect(values).toEqual(['0', '1', '2', '3', '4']);
    expect(recorders.filter((_, i) => i !== lane).every((r) => r.batches.length === 0)).toBe(true);
  });

  it('idle() and flush() → wait for the batches in flight in every lane', async () => {
    const { recorders, publisher } = lanes(2);
    for (const r of recorders) r.close();
    const events = [keyIn(0, 2, 'a'), keyIn(1, 2, 'b')].map((key) => publisher.publish({ topic: 't', message: { key, value: key } }));
    let idle = false;
    const waiting = publisher.idle().then(() => (idle = true));
    recorders[0]!.open();
    await events[0];
    expect(idle).toBe(false);
    recorders[1]!.open();
    await waiting;
    await Promise.all(events);
    await publisher.flush();
    expect(recorders.map((r) => r.batches.length)).toEqual([1, 1]);
  });

  it('evacuate() → every lane gives up on its events, each saying whether it had been sent', async () => {
    const recorders = [recordingProducer(), recordingProducer()];
    const publisher = createShardedPublisher(recorders.map((r) => createPublisher({ producer: r.producer as never, lingerMs: 10_000, maxBatchMessages: 1 })));
    for (const r of recorders) r.close();
    const [a, b] = [keyIn(0, 2, 'a'), keyIn(1, 2, 'b')];
    // In each lane: one event in flight (a batch holds one), one still queued behind it.
    const outcomes = [a, a, b, b].map((key, i) =>
      publisher.publish({ topic: 't', message: { key, value: String(i) } }).then(
        () => 'acked',
        (err: unknown) => (err instanceof PublishTimeoutError ? (err.sent ? 'sent' : 'withdrawn') : 'other'),
      ),
    );
    publisher.evacuate();
    expect(await Promise.all(outcomes)).toEqual(['sent', 'withdrawn', 'sent', 'withdrawn']);
    for (const r of recorders) r.open();
    await publisher.idle();
    expect(recorders.map((r) => r.batches.length)).toEqual([1, 1]);
  });
});

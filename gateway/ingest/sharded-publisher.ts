// Several publishers side by side, each over its own idempotent producer, so that more than one
// batch is in flight at a time. kafkajs's idempotent producer sends one Produce request per
// broker at a time, so a batch waits out the round trip of the one before it (on loopback about
// 1 ms, with a real cluster several; see docs/performance.md). An event goes to the publisher its Kafka key picks, always
// the same one for a key, so events with one key still reach Kafka in the order they came;
// events with different keys were never ordered relative to each other (they may share a
// partition, but Kafka's per-key order is what consumers rely on).
import type { Message } from 'kafkajs';
import type { OutgoingEvent, Publisher } from './publisher.ts';

/** Which of `count` lanes an event with this key takes: FNV-1a over the key's bytes or UTF-16 units. */
export function laneOf(key: Message['key'], count: number): number {
  if (count === 1 || key === null || key === undefined) return 0;
  let hash = 0x811c9dc5;
  if (typeof key === 'string') {
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key[i]!, 0x01000193);
  }
  return (hash >>> 0) % count;
}

export function createShardedPublisher(lanes: readonly Publisher[]): Publisher {
  if (lanes.length === 0) throw new Error('a sharded publisher needs at least one publisher');
  if (lanes.length === 1) return lanes[0]!;
  return {
    publish(event: OutgoingEvent, options) {
      return lanes[laneOf(event.message.key, lanes.length)]!.publish(event, options);
    },
    async flush() {
      await Promise.all(lanes.map((lane) => lane.flush()));
    },
    evacuate() {
      // Each lane gives up on its events oldest first, so every key's events stay in order.
      for (const lane of lanes) lane.evacuate();
    },
    async idle() {
      await Promise.all(lanes.map((lane) => lane.idle()));
    },
  };
}

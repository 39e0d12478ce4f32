import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDedupeWindow } from '../../../gateway/ingest/dedupe.ts';
import { uuidV5 } from '../../../schemas/event-id.ts';

const id = (n: number) => uuidV5(`id-${n}`);

describe('dedupe window', () => {
  it('an id remembered → seen until the window ends, then forgotten', () => {
    const w = createDedupeWindow({ windowMs: 1000, maxEntries: 10 });
    w.remember(id(1), 0);
    expect(w.seen(id(1), 999)).toBe(true);
    expect(w.seen(id(1), 1000)).toBe(false);
  });

  it('an id never remembered → not seen', () => {
    expect(createDedupeWindow({ windowMs: 1000, maxEntries: 10 }).seen(id(1), 0)).toBe(false);
  });

  it('more ids than maxEntries → the oldest forgotten first', () => {
    const w = createDedupeWindow({ windowMs: 10_000, maxEntries: 2 });
    w.remember(id(1), 0);
    w.remember(id(2), 1);
    w.remember(id(3), 2);
    expect(w.size).toBe(2);
    expect([w.seen(id(1), 3), w.seen(id(2), 3), w.seen(id(3), 3)]).toEqual([false, true, true]);
  });

  it('expired entries → evicted as new ones arrive', () => {
    const w = createDedupeWindow({ windowMs: 10, maxEntries: 100 });
    for (let i = 0; i < 50; i++) w.remember(id(i), i * 100);
    expect(w.size).toBe(1);
  });

  it('a window of 0 → nothing remembered', () => {
    const w = createDedupeWindow({ windowMs: 0, maxEntries: 10 });
    w.remember(id(1), 0);
    expect(w.seen(id(1), 0)).toBe(false);
  });

  it('ids that differ in one bit, or share the index slot → kept apart', () => {
    const w = createDedupeWindow({ windowMs: 1000, maxEntries: 4 });
    const a = '00000000-0000-5000-8000-000000000000';
    const b = '00000000-0000-5000-8000-000000000001';
    const c = '00000000-0000-5000-8000-000000000002';
    w.remember(a, 0);
    w.remember(b, 0);
    expect([w.seen(a, 1), w.seen(b, 1), w.seen(c, 1)]).toEqual([true, true, false]);
  });

  it('an id that is not a UUID → a TypeError naming it (event ids are always UUIDs)', () => {
    expect(() => createDedupeWindow({ windowMs: 1000, maxEntries: 4 }).remember('not-a-uuid', 0)).toThrow(/UUID event ids; got "not-a-uuid"/);
  });

  it('any sequence of remember/seen over time → the same answers as a plain queue-and-map model', () => {
    interface Entry {
      readonly id: string;
      readonly expiresAt: number;
    }
    const ops = fc.array(fc.record({ remember: fc.boolean(), id: fc.integer({ min: 0, max: 14 }), advance: fc.integer({ min: 0, max: 7 }) }), {
      maxLength: 300,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), ops, (maxEntries, windowMs, sequence) => {
        const w = createDedupeWindow({ windowMs, maxEntries });
        // The model: entries in the order remembered; the map points at each id's live entry.
        const queue: Entry[] = [];
        const live = new Map<string, Entry>();
        const drop = () => {
          const oldest = queue.shift()!;
          if (live.get(oldest.id) === oldest) live.delete(oldest.id);
        };
        let now = 0;
        for (const op of sequence) {
          now += op.advance;
          const key = id(op.id);
          if (op.remember) {
            w.remember(key, now);
            while (queue.length > 0 && queue[0]!.expiresAt <= now) drop();
            if (queue.length === maxEntries) drop();
            const entry = { id: key, expiresAt: now + windowMs };
            queue.push(entry);
            live.set(key, entry);
            expect(w.size).toBe(queue.length);
          } else {
            const entry = live.get(key);
            expect(w.seen(key, now)).toBe(entry !== undefined && entry.expiresAt > now);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { createDedupeWindow } from '../../../gateway/ingest/dedupe.ts';

describe('dedupe window', () => {
  it('an id remembered → seen until the window ends, then forgotten', () => {
    const w = createDedupeWindow({ windowMs: 1000, maxEntries: 10 });
    w.remember('a', 0);
    expect(w.seen('a', 999)).toBe(true);
    expect(w.seen('a', 1000)).toBe(false);
  });

  it('an id never remembered → not seen', () => {
    expect(createDedupeWindow({ windowMs: 1000, maxEntries: 10 }).seen('a', 0)).toBe(false);
  });

  it('more ids than maxEntries → the oldest forgotten first', () => {
    const w = createDedupeWindow({ windowMs: 10_000, maxEntries: 2 });
    w.remember('a', 0);
    w.remember('b', 1);
    w.remember('c', 2);
    expect(w.size).toBe(2);
    expect([w.seen('a', 3), w.seen('b', 3), w.seen('c', 3)]).toEqual([false, true, true]);
  });

  it('expired entries → evicted as new ones arrive', () => {
    const w = createDedupeWindow({ windowMs: 10, maxEntries: 100 });
    for (let i = 0; i < 50; i++) w.remember(`id-${i}`, i * 100);
    expect(w.size).toBe(1);
  });

  it('a window of 0 → nothing remembered', () => {
    const w = createDedupeWindow({ windowMs: 0, maxEntries: 10 });
    w.remember('a', 0);
    expect(w.seen('a', 0)).toBe(false);
  });
});

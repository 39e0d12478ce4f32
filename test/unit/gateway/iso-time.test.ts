import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../gateway/ingest/route.ts';

describe('isoTime (ce_time)', () => {
  it('any instant from 1970 to 9999, in any order → exactly what toISOString writes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 20 }), (instants) => {
        for (const ms of instants) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('consecutive milliseconds across a second boundary → each one right', () => {
    const start = Date.UTC(2026, 10, 30, 23, 59, 59, 997);
    for (let ms = start; ms < start + 6; ms++) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});

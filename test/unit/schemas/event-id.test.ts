import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_NAMESPACE, uuidV5 } from '../../../schemas/event-id.ts';

/** RFC 9562 §5.5 spelled out with a streaming hash: the reference the fast path must match. */
function referenceUuidV5(namespace: string, name: string): string {
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('uuidV5', () => {
  it('the reference implementation gives RFC 9562’s own example (DNS namespace, www.example.com)', () => {
    expect(referenceUuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('any name, short or longer than the reused buffer, non-ASCII included → the reference id, version 5, RFC variant', () => {
    const names = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary', minLength: 1300, maxLength: 3000 }),
      fc.string({ minLength: 4000, maxLength: 9000 }),
    );
    fc.assert(
      fc.property(names, (name) => {
        const id = uuidV5(name);
        expect(id).toBe(referenceUuidV5(EVENT_ID_NAMESPACE, name));
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }),
      { numRuns: 300 },
    );
  });

  it('a fixed name → a fixed id, forever (changing it would change every stored event id)', () => {
    // Pinned when the namespace was chosen; ids already in Kafka and consumers' stores depend on it.
    expect(uuidV5('["wh","message_sent","1"]')).toBe('141c86fb-8986-5723-8376-4381ba05695c');
  });
});

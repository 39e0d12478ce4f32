// Remembers which event ids Kafka acknowledged in the last window, so a redelivery (CometChat
// retries after 10 s and 30 s when retries are on) is answered 200 without a second record.
// Only acknowledged ids are remembered: a delivery whose first attempt failed is published.
// In memory and per process; consumers dedupe by eventId for what this cannot see.
//
// Event ids are UUIDs, kept as their 128 bits in typed arrays allocated once: a ring of at most
// maxEntries ids in the order they were remembered (which is also the order they expire), and an
// open-addressing index into it. No object per id, so a full window costs a fixed ~35 bytes per
// entry, nothing for the garbage collector to trace, and memory that does not grow with load.
export interface DedupeWindow {
  /** Whether this id was acknowledged within the window. */
  seen(eventId: string, now?: number): boolean;
  remember(eventId: string, now?: number): void;
  readonly size: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY = -1;

export function createDedupeWindow({ windowMs, maxEntries }: { windowMs: number; maxEntries: number }): DedupeWindow {
  const capacity = windowMs === 0 ? 0 : maxEntries;
  // The ring: 4 words of id and an expiry per position; `head` is the oldest, `count` how many.
  const ids = new Uint32Array(capacity * 4);
  const expiries = new Float64Array(capacity);
  let head = 0;
  let count = 0;
  // The index: ring positions (EMPTY when free), linear probing, at most half full.
  let slotsPow2 = 1;
  while (slotsPow2 < capacity * 2) slotsPow2 *= 2;
  const slots = new Int32Array(capacity === 0 ? 0 : slotsPow2).fill(EMPTY);
  const mask = slotsPow2 - 1;
  // Scratch keys: the id asked about, and the oldest one while it is dropped.
  const key = new Uint32Array(4);
  const oldest = new Uint32Array(4);

  function parse(eventId: string): void {
    if (!UUID.test(eventId)) throw new TypeError(`the dedupe window keeps UUID event ids; got ${JSON.stringify(eventId.slice(0, 60))}`);
    key[0] = Number.parseInt(eventId.slice(0, 8), 16);
    key[1] = Number.parseInt(eventId.slice(9, 13) + eventId.slice(14, 18), 16);
    key[2] = Number.parseInt(eventId.slice(19, 23) + eventId.slice(24, 28), 16);
    key[3] = Number.parseInt(eventId.slice(28, 36), 16);
  }

  // UUID v5 bits are a SHA-1 digest: any 32 of them are already a good hash.
  const home = (k0: number): number => (k0 ^ (k0 >>> 16)) & mask;

  function matches(position: number, k: Uint32Array): boolean {
    const at = position * 4;
    return ids[at] === k[0] && ids[at + 1] === k[1] && ids[at + 2] === k[2] && ids[at + 3] === k[3];
  }

  /** The index slot holding `k`, or -1. */
  function find(k: Uint32Array): number {
    for (let slot = home(k[0]!); ; slot = (slot + 1) & mask) {
      const position = slots[slot]!;
      if (position === EMPTY) return -1;
      if (matches(position, k)) return slot;
    }
  }

  /** Frees an index slot, shifting later entries of its probe run back (no tombstones). */
  function unindex(slot: number): void {
    let hole = slot;
    for (let next = (slot + 1) & mask; slots[next] !== EMPTY; next = (next + 1) & mask) {
      const position = slots[next]!;
      const want = home(ids[position * 4]!);
      // Move it into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? want > hole && want <= next : want > hole || want <= next;
      if (!stays) {
        slots[hole] = position;
        hole = next;
      }
    }
    slots[hole] = EMPTY;
  }

  /** Drops the oldest entry (from the index too, unless a refresh already dropped it). */
  function dropOldest(): void {
    oldest.set(ids.subarray(head * 4, head * 4 + 4));
    const slot = find(oldest);
    if (slot !== -1 && slots[slot] === head) unindex(slot);
    head = (head + 1) % capacity;
    count--;
  }

  return {
    seen(eventId, now = Date.now()) {
      if (capacity === 0) return false;
      parse(eventId);
      const slot = find(key);
      return slot !== -1 && expiries[slots[slot]!]! > now;
    },
    remember(eventId, now = Date.now()) {
      if (capacity === 0) return;
      while (count > 0 && expiries[head]! <= now) dropOldest();
      parse(eventId);
      // Remembered again: its old position leaves the index and ages out of the ring unseen.
      const existing = find(key);
      if (existing !== -1) unindex(existing);
      if (count === capacity) dropOldest();
      const position = (head + count) % capacity;
      ids.set(key, position * 4);
      expiries[position] = now + windowMs;
      count++;
      let slot = home(key[0]!);
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = position;
    },
    get size() {
      return count;
    },
  };
}

// Remembers which event ids Kafka acknowledged in the last window, so a redelivery (CometChat
// retries after 10 s and 30 s when retries are on) is answered 200 without a second record.
// Only acknowledged ids are remembered: a delivery whose first attempt failed is published.
// In memory and per process; consumers dedupe by eventId for what this cannot see.
export interface DedupeWindow {
  /** Whether this id was acknowledged within the window. */
  seen(eventId: string, now?: number): boolean;
  remember(eventId: string, now?: number): void;
  readonly size: number;
}

export function createDedupeWindow({ windowMs, maxEntries }: { windowMs: number; maxEntries: number }): DedupeWindow {
  // Insertion order is expiry order (every entry lives windowMs), so the oldest are first.
  const expiries = new Map<string, number>();

  function evict(now: number): void {
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > now && expiries.size <= maxEntries) break;
      expiries.delete(id);
    }
  }

  return {
    seen(eventId, now = Date.now()) {
      const expiresAt = expiries.get(eventId);
      return expiresAt !== undefined && expiresAt > now;
    },
    remember(eventId, now = Date.now()) {
      if (windowMs === 0 || maxEntries === 0) return;
      expiries.delete(eventId);
      expiries.set(eventId, now + windowMs);
      evict(now);
    },
    get size() {
      return expiries.size;
    },
  };
}

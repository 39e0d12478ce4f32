// Each sample consumer keeps its result in a small SQLite database (node:sqlite, no native
// module to build) that a user can open with any SQLite tool. Effects are applied at most once
// per event id: the event's id is recorded in the same transaction as its effect, so a
// redelivered event (at-least-once delivery) changes nothing.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type Store = DatabaseSync;

export function openStore(file: string, schema: string): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec(`CREATE TABLE IF NOT EXISTS processed_events (
    event_id TEXT PRIMARY KEY,
    trigger TEXT NOT NULL,
    processed_at_ms INTEGER NOT NULL
  );`);
  db.exec(schema);
  return db;
}

/** Runs `effect` in a transaction unless this event id was applied before. */
export function applyOnce(db: Store, eventId: string, trigger: string, effect: () => void): 'applied' | 'duplicate' {
  db.exec('BEGIN IMMEDIATE');
  try {
    const inserted = db
      .prepare('INSERT OR IGNORE INTO processed_events (event_id, trigger, processed_at_ms) VALUES (?, ?, ?)')
      .run(eventId, trigger, Date.now());
    if (inserted.changes === 0) {
      db.exec('ROLLBACK');
      return 'duplicate';
    }
    effect();
    db.exec('COMMIT');
    return 'applied';
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

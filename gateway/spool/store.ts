// The spool: events Kafka could not take in time, kept on local disk until it can. A real
// embedded database (node:sqlite) in WAL mode with synchronous=FULL, so a committed row survives
// a crash of the process or the machine. Appends are group-committed: the appends of one turn of
// the event loop share one transaction, so one fsync covers many requests. Rows are read oldest
// first and deleted only once Kafka acknowledged them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Message } from 'kafkajs';

/** An event as it will go to Kafka: topic, key, value and headers exactly as first encoded. */
export interface SpoolEvent {
  readonly topic: string;
  readonly message: Message;
  readonly eventId: string;
  /** Epoch milliseconds, when the gateway first received it. */
  readonly receivedAt: number;
}

export interface SpooledEvent extends SpoolEvent {
  /** Position in the spool: the order events leave in. */
  readonly position: number;
  readonly bytes: number;
}

export class SpoolError extends Error {
  override readonly name = 'SpoolError';
  /** full: SPOOL_MAX_BYTES reached; failed: the disk or the database refused the write. */
  readonly reason: 'full' | 'failed';
  constructor(reason: 'full' | 'failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

export interface SpoolStats {
  readonly events: number;
  readonly bytes: number;
  /** receivedAt of the oldest event, or undefined when empty. */
  readonly oldestReceivedAt: number | undefined;
}

export interface SpoolStore {
  readonly file: string;
  /** Events held, committed or being committed. */
  readonly size: number;
  /** Resolves once the event is durable (its transaction committed and fsynced). */
  append(event: SpoolEvent): Promise<void>;
  /** The oldest events, in the order they were appended, once every pending append is committed. */
  oldest(limit: number): Promise<SpooledEvent[]>;
  /** Deletes events by position (after Kafka acknowledged them). */
  remove(positions: readonly number[]): void;
  stats(): SpoolStats;
  close(): void;
}

const toBuffer = (value: Message['value'] | Message['key']): Buffer | null =>
  value === null || value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(value);

function headersJson(headers: Message['headers']): string {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? String(value[0]) : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return JSON.stringify(out);
}

/** One file per gateway process: a cluster worker's is named by its slot, which its replacement inherits. */
export function spoolFile(dir: string, workerSlot?: string): string {
  return path.join(dir, workerSlot ? `worker-${workerSlot}.sqlite` : 'gateway.sqlite');
}

/**
 * Opens (creating when missing) the spool database at `file`. Throws a SpoolError naming the file
 * when the directory cannot be created or written: a spool that cannot be written must stop the
 * start, not surface at the first outage.
 */
export function openSpool({ file, maxBytes }: { file: string; maxBytes: number }): SpoolStore {
  let db: DatabaseSync;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    db.exec(`CREATE TABLE IF NOT EXISTS spool (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      topic TEXT NOT NULL,
      key BLOB,
      value BLOB,
      headers TEXT NOT NULL,
      received_at_ms INTEGER NOT NULL,
      bytes INTEGER NOT NULL
    )`);
    // A write now, so that a read-only file or directory fails here rather than mid-outage.
    db.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (err) {
    throw new SpoolError('failed', `the spool at ${file} cannot be opened for writing: ${(err as Error).message}; set SPOOL_DIR to a writable directory`, {
      cause: err,
    });
  }

  const insert: StatementSync = db.prepare(
    'INSERT OR IGNORE INTO spool (event_id, topic, key, value, headers, received_at_ms, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT position, event_id, topic, key, value, headers, received_at_ms, bytes FROM spool ORDER BY position LIMIT ?');
  const totals = db.prepare('SELECT count(*) AS events, coalesce(sum(bytes), 0) AS bytes, min(received_at_ms) AS oldest FROM spool').get() as {
    events: number;
    bytes: number;
    oldest: number | null;
  };
  let committedEvents = Number(totals.events);
  let committedBytes = Number(totals.bytes);
  let oldestReceivedAt = totals.oldest === null ? undefined : Number(totals.oldest);

  interface Pending {
    readonly row: [string, string, Buffer | null, Buffer | null, string, number, number];
    resolve(): void;
    reject(err: unknown): void;
  }
  let pending: Pending[] = [];
  let pendingBytes = 0;
  let flushing: Promise<void> | undefined;

  function commit(): void {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    flushing = undefined;
    let added = 0;
    let addedBytes = 0;
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const p of batch) {
        // Ignored when this event id is already spooled (a redelivery): stored once.
        if (insert.run(...p.row).changes > 0) {
          added++;
          addedBytes += p.row[6];
        }
      }
      db.exec('COMMIT');
    } catch (err) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The transaction may not have begun; nothing to undo then.
      }
      const failure = new SpoolError('failed', `writing to the spool failed: ${(err as Error).message}`, { cause: err });
      for (const p of batch) p.reject(failure);
      return;
    }
    committedEvents += added;
    committedBytes += addedBytes;
    if (oldestReceivedAt === undefined && added > 0) oldestReceivedAt = Math.min(...batch.map((p) => p.row[5]));
    for (const p of batch) p.resolve();
  }

  return {
    file,
    get size() {
      return committedEvents + pending.length;
    },
    append(event) {
      const key = toBuffer(event.message.key);
      const value = toBuffer(event.message.value);
      const headers = headersJson(event.message.headers);
      const bytes = (key?.length ?? 0) + (value?.length ?? 0) + headers.length;
      if (committedBytes + pendingBytes + bytes > maxBytes) {
        return Promise.reject(new SpoolError('full', `the spool holds ${committedBytes + pendingBytes} bytes and SPOOL_MAX_BYTES is ${maxBytes}`));
      }
      return new Promise<void>((resolve, reject) => {
        pending.push({ row: [event.eventId, event.topic, key, value, headers, event.receivedAt, bytes], resolve, reject });
        pendingBytes += bytes;
        // Everything appended in this turn of the event loop commits together.
        flushing ??= new Promise<void>((done) =>
          setImmediate(() => {
            commit();
            done();
          }),
        );
      });
    },
    async oldest(limit) {
      if (flushing) await flushing;
      return (select.all(limit) as Record<string, unknown>[]).map((r) => ({
        position: Number(r.position),
        eventId: String(r.event_id),
        topic: String(r.topic),
        receivedAt: Number(r.received_at_ms),
        bytes: Number(r.bytes),
        message: {
          key: r.key === null ? null : Buffer.from(r.key as Uint8Array),
          value: r.value === null ? null : Buffer.from(r.value as Uint8Array),
          headers: JSON.parse(String(r.headers)) as Record<string, string>,
        },
      }));
    },
    remove(positions) {
      if (positions.length === 0) return;
      db.exec('BEGIN IMMEDIATE');
      try {
        const removed = db.prepare(`DELETE FROM spool WHERE position IN (${positions.map(() => '?').join(',')}) RETURNING bytes`).all(...positions) as {
          bytes: number;
        }[];
        db.exec('COMMIT');
        committedEvents -= removed.length;
        committedBytes -= removed.reduce((n, r) => n + Number(r.bytes), 0);
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
      const next = db.prepare('SELECT min(received_at_ms) AS oldest FROM spool').get() as { oldest: number | null };
      oldestReceivedAt = next.oldest === null ? undefined : Number(next.oldest);
    },
    stats() {
      return { events: committedEvents + pending.length, bytes: committedBytes + pendingBytes, oldestReceivedAt };
    },
    close() {
      if (pending.length > 0) commit();
      db.close();
    },
  };
}

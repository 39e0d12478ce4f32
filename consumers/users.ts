// users: presence (online/offline and when it last changed) and the block list.
import type { BlockData, ConnectionStatusData } from '../schemas/records.ts';
import type { ConsumerProgram } from './programs.ts';
import { applyOnce } from './store.ts';

const schema = `
CREATE TABLE IF NOT EXISTS presence (
  uid TEXT PRIMARY KEY,
  status TEXT,
  changed_at_ms INTEGER,        -- epoch milliseconds (user_connection_status_changed)
  platform TEXT
);
CREATE TABLE IF NOT EXISTS blocks (
  blocker TEXT NOT NULL,
  blocked TEXT NOT NULL,
  PRIMARY KEY (blocker, blocked)
);`;

export const users: ConsumerProgram = {
  category: 'users',
  schema,
  createHandler({ db }) {
    // Kafka keeps a user's events in order; the timestamp guard also keeps a replayed old
    // event from overwriting a newer status.
    const presence = db.prepare(`INSERT INTO presence (uid, status, changed_at_ms, platform) VALUES (?, ?, ?, ?)
      ON CONFLICT (uid) DO UPDATE SET status = excluded.status, changed_at_ms = excluded.changed_at_ms, platform = excluded.platform
      WHERE excluded.changed_at_ms >= presence.changed_at_ms OR presence.changed_at_ms IS NULL`);
    const block = db.prepare('INSERT OR IGNORE INTO blocks (blocker, blocked) VALUES (?, ?)');
    const unblock = db.prepare('DELETE FROM blocks WHERE blocker = ? AND blocked = ?');
    return (event) =>
      applyOnce(db, event.eventId, event.trigger, () => {
        const data = (event.record as { data: unknown }).data;
        if (event.trigger === 'user_connection_status_changed') {
          const d = data as ConnectionStatusData;
          const uid = d.user?.uid;
          if (uid) presence.run(uid, d.status ?? d.user?.status ?? null, d.timestamp, d.currentConnection?.platform ?? null);
        } else if (event.trigger === 'user_blocked' || event.trigger === 'user_unblocked') {
          const d = data as BlockData;
          const blocker = d.by?.uid;
          if (!blocker) return;
          for (const blocked of Object.keys(d.users ?? {})) (event.trigger === 'user_blocked' ? block : unblock).run(blocker, blocked);
        }
      });
  },
};

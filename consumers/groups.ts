// groups: each group, and its membership and roles as they change.
import type { GroupEventData } from '../schemas/records.ts';
import type { ConsumerProgram } from './programs.ts';
import { applyOnce } from './store.ts';

const schema = `
CREATE TABLE IF NOT EXISTS groups (
  guid TEXT PRIMARY KEY,
  name TEXT,
  type TEXT,
  owner TEXT,
  members_count INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS memberships (
  guid TEXT NOT NULL,
  uid TEXT NOT NULL,
  scope TEXT,                   -- admin, moderator, participant
  state TEXT NOT NULL,          -- member, left, kicked, banned, unbanned
  PRIMARY KEY (guid, uid)
);`;

const STATE: Record<string, string> = {
  group_created: 'member',
  group_member_added: 'member',
  group_member_joined: 'member',
  group_member_left: 'left',
  group_member_kicked: 'kicked',
  group_member_banned: 'banned',
  group_member_unbanned: 'unbanned',
};

export const groups: ConsumerProgram = {
  category: 'groups',
  schema,
  createHandler({ db }) {
    const upsertGroup = db.prepare(`INSERT INTO groups (guid, name, type, owner, members_count) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (guid) DO UPDATE SET name = coalesce(excluded.name, name), type = coalesce(excluded.type, type),
        owner = coalesce(excluded.owner, owner), members_count = coalesce(excluded.members_count, members_count)`);
    const markDeleted = db.prepare('UPDATE groups SET deleted = 1 WHERE guid = ?');
    const setState = db.prepare(`INSERT INTO memberships (guid, uid, scope, state) VALUES (?, ?, ?, ?)
      ON CONFLICT (guid, uid) DO UPDATE SET state = excluded.state, scope = coalesce(excluded.scope, scope)`);
    const setScope = db.prepare(`INSERT INTO memberships (guid, uid, scope, state) VALUES (?, ?, ?, 'member')
      ON CONFLICT (guid, uid) DO UPDATE SET scope = excluded.scope`);
    return (event) =>
      applyOnce(db, event.eventId, event.trigger, () => {
        const { group, members } = (event.record as { data: GroupEventData }).data ?? {};
        const guid = group?.guid;
        if (!guid) return;
        upsertGroup.run(guid, group.name, group.type, group.owner, group.membersCount);
        if (event.trigger === 'group_deleted') markDeleted.run(guid);
        const state = STATE[event.trigger];
        for (const [uid, user] of Object.entries(members ?? {})) {
          if (event.trigger === 'group_member_scope_changed') setScope.run(guid, uid, user.scope);
          else if (state) setState.run(guid, uid, user.scope ?? (event.trigger === 'group_created' ? group.scope : null) ?? 'participant', state);
        }
        if (event.trigger === 'group_owner_transferred' && group.owner) setScope.run(guid, group.owner, 'admin');
      });
  },
};

// calls: per call or meeting session — who initiated it, participants, start, end, duration,
// recording URL.
import type {
  CallInitiatedData,
  Occupant,
  ParticipantData,
  RecordingData,
  SessionEndedData,
  SessionStartedData,
  TranscriptionData,
} from '../schemas/records.ts';
import type { ConsumerProgram } from './programs.ts';
import { applyOnce } from './store.ts';

const schema = `
CREATE TABLE IF NOT EXISTS sessions (
  session_id TEXT PRIMARY KEY,
  kind TEXT,                    -- call or meet
  initiated_by TEXT,            -- uid (call_initiated)
  started_at_s INTEGER,
  ended_at_s INTEGER,
  duration_s INTEGER,
  recording_url TEXT
);
CREATE TABLE IF NOT EXISTS participants (
  session_id TEXT NOT NULL,
  name TEXT NOT NULL,           -- CometChat sends occupants' names, not uids
  joined_at_s INTEGER NOT NULL,
  left_at_s INTEGER,
  audio_only INTEGER,
  PRIMARY KEY (session_id, name, joined_at_s)
);`;

export const calls: ConsumerProgram = {
  category: 'calls',
  schema,
  createHandler({ db }) {
    const session =
      db.prepare(`INSERT INTO sessions (session_id, kind, initiated_by, started_at_s, ended_at_s, duration_s, recording_url) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (session_id) DO UPDATE SET kind = coalesce(excluded.kind, kind), initiated_by = coalesce(excluded.initiated_by, initiated_by),
        started_at_s = coalesce(excluded.started_at_s, started_at_s), ended_at_s = coalesce(excluded.ended_at_s, ended_at_s),
        duration_s = coalesce(excluded.duration_s, duration_s), recording_url = coalesce(excluded.recording_url, recording_url)`);
    const participant = db.prepare(`INSERT INTO participants (session_id, name, joined_at_s, left_at_s, audio_only) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (session_id, name, joined_at_s) DO UPDATE SET left_at_s = coalesce(excluded.left_at_s, left_at_s), audio_only = coalesce(excluded.audio_only, audio_only)`);
    const occupant = (sessionId: string, o: Occupant | null): void => {
      if (o?.name && o.joined_at !== null) participant.run(sessionId, o.name, o.joined_at, o.left_at, o.audioCall === null ? null : Number(o.audioCall));
    };
    return (event) =>
      applyOnce(db, event.eventId, event.trigger, () => {
        const record = event.record as { type: string | null; data: unknown };
        const kind = record.type ?? (event.trigger.startsWith('meeting_') ? 'meet' : 'call');
        switch (event.trigger) {
          case 'call_initiated': {
            const call = (record.data as CallInitiatedData).call;
            const sessionId = call?.data?.entities?.on?.call?.sessionid;
            if (sessionId) session.run(sessionId, 'call', call?.sender ?? null, null, null, null, null);
            break;
          }
          case 'call_started':
          case 'meeting_started': {
            const d = record.data as SessionStartedData;
            if (d.sessionId) session.run(d.sessionId, kind, null, d.created_at, null, null, null);
            break;
          }
          case 'call_participant_joined':
          case 'meeting_participant_joined':
          case 'call_participant_left':
          case 'meeting_participant_left': {
            const d = record.data as ParticipantData;
            if (d.sessionId) {
              session.run(d.sessionId, kind, null, null, null, null, null);
              occupant(d.sessionId, d.occupant);
            }
            break;
          }
          case 'call_ended':
          case 'meeting_ended': {
            const d = record.data as SessionEndedData;
            if (!d.sessionId) break;
            const duration = d.created_at !== null && d.destroyed_at !== null ? d.destroyed_at - d.created_at : null;
            session.run(d.sessionId, kind, null, d.created_at, d.destroyed_at, duration, null);
            for (const o of d.all_occupants ?? []) occupant(d.sessionId, o);
            break;
          }
          case 'recording_generated': {
            const d = record.data as RecordingData;
            if (d.sessionId) session.run(d.sessionId, null, null, null, null, null, d.recording_url);
            break;
          }
          case 'transcription_generated': {
            const d = record.data as TranscriptionData;
            if (d.sessionId) session.run(d.sessionId, null, null, null, null, null, null);
            break;
          }
          // call_busy, call_cancelled, call_rejected, call_unanswered name no session: nothing to update.
        }
      });
  },
};

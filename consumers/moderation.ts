// moderation: an audit log of approved and blocked messages, with the rule that fired.
import type { ModerationData, ModerationFailedData } from '../schemas/records.ts';
import type { ConsumerProgram } from './programs.ts';
import { applyOnce } from './store.ts';

const schema = `
CREATE TABLE IF NOT EXISTS audit (
  event_id TEXT NOT NULL,
  hit INTEGER NOT NULL,         -- 0 when no rule is named
  trigger TEXT NOT NULL,
  decision TEXT NOT NULL,       -- approved or blocked
  decided_by TEXT NOT NULL,     -- engine or moderator, or why the engine could not decide
  message_id TEXT,
  conversation_id TEXT,
  sender TEXT,
  text TEXT,
  rule_id TEXT,
  rule_name TEXT,
  reason TEXT,
  at_s INTEGER,
  PRIMARY KEY (event_id, hit)
);`;

export const moderation: ConsumerProgram = {
  category: 'moderation',
  schema,
  createHandler({ db }) {
    const insert = db.prepare(
      'INSERT INTO audit (event_id, hit, trigger, decision, decided_by, message_id, conversation_id, sender, text, rule_id, rule_name, reason, at_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return (event) =>
      applyOnce(db, event.eventId, event.trigger, () => {
        if (event.trigger === 'moderation_engine_failed') {
          // The engine could not decide: CometChat applied a setting instead; one row per failure.
          const { resource, outcome, completedAt, failures } = (event.record as { data: ModerationFailedData }).data ?? {};
          const rows = failures && failures.length > 0 ? failures : [null];
          rows.forEach((failure, i) => {
            insert.run(
              event.eventId,
              i,
              event.trigger,
              outcome === 'disapproved' ? 'blocked' : 'approved',
              `engine failed (${failure?.category ?? 'unknown'}); ${failure?.context?.setting ?? 'default setting'} applied`,
              resource?.id ?? null,
              resource?.conversationId ?? null,
              resource?.sender ?? null,
              resource?.data?.text ?? null,
              failure?.context?.rule?.id ?? null,
              failure?.context?.rule?.name ?? null,
              failure?.errorMessage ?? null,
              completedAt ?? null,
            );
          });
          return;
        }
        const { message, moderation: hits } = (event.record as { data: ModerationData }).data ?? {};
        const decision = event.trigger === 'moderation_engine_blocked' ? 'blocked' : 'approved';
        const decidedBy = event.trigger === 'moderation_manual_approved' ? 'moderator' : 'engine';
        const rows = hits && hits.length > 0 ? hits : [null];
        rows.forEach((hit, i) => {
          insert.run(
            event.eventId,
            i,
            event.trigger,
            decision,
            decidedBy,
            message?.id ?? null,
            message?.conversationId ?? null,
            message?.sender ?? null,
            message?.data?.text ?? null,
            hit?.rule?.id ?? null,
            hit?.rule?.name ?? null,
            hit?.condition?.message ?? null,
            hit?.rule?.blockedAt ?? message?.sentAt ?? null,
          );
        });
      });
  },
};

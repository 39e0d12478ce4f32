// messages: a notification feed — who sent what to whom, edits, deletions, reactions, receipts,
// mentions — with media links resolved through token-based media access.
import type { Message, MessageEventData, ReactionData, ReceiptData } from '../schemas/records.ts';
import { MEDIA_URL, MediaAccessError } from './media.ts';
import type { ConsumerProgram } from './programs.ts';
import { applyOnce } from './store.ts';

const schema = `
CREATE TABLE IF NOT EXISTS feed (
  event_id TEXT PRIMARY KEY,
  trigger TEXT NOT NULL,
  at_s INTEGER,                 -- epoch seconds, as CometChat sends them
  conversation_id TEXT,
  actor TEXT,                   -- uid of who did it
  target TEXT,                  -- uid or guid it was addressed to
  message_id TEXT,
  summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS media (
  event_id TEXT NOT NULL,
  message_id TEXT,
  url TEXT NOT NULL,
  resolved_url TEXT,            -- valid for 5 minutes after resolved_at_ms
  resolved_at_ms INTEGER,
  error TEXT,
  PRIMARY KEY (event_id, url)
);`;

interface FeedRow {
  at: number | null;
  conversation: string | null;
  actor: string | null;
  target: string | null;
  messageId: string | null;
  summary: string;
}

function entityMessage(m: Message | null): Message | null {
  return m?.data?.entities?.on?.message ?? null;
}

function feedRow(trigger: string, data: unknown): FeedRow {
  switch (trigger) {
    case 'message_sent':
    case 'user_mentioned': {
      const m = (data as MessageEventData).message;
      const text = m?.data?.text ?? `[${m?.type ?? 'message'}]`;
      const mentioned = Object.keys(m?.data?.mentions ?? {});
      const summary = trigger === 'user_mentioned' ? `${m?.sender} mentioned ${mentioned.join(', ')}: ${text}` : `${m?.sender} → ${m?.receiver}: ${text}`;
      return {
        at: m?.sentAt ?? null,
        conversation: m?.conversationId ?? null,
        actor: m?.sender ?? null,
        target: m?.receiver ?? null,
        messageId: m?.id ?? null,
        summary,
      };
    }
    case 'message_edited':
    case 'message_deleted': {
      const m = (data as MessageEventData).message;
      const on = entityMessage(m);
      const by = m?.data?.entities?.by?.user?.uid ?? m?.sender ?? null;
      const summary = trigger === 'message_edited' ? `${by} edited message ${on?.id}: ${on?.data?.text ?? ''}` : `${by} deleted message ${on?.id}`;
      return {
        at: m?.sentAt ?? null,
        conversation: m?.conversationId ?? null,
        actor: by,
        target: on?.receiver ?? m?.receiver ?? null,
        messageId: on?.id ?? null,
        summary,
      };
    }
    case 'message_delivery_receipt':
    case 'message_read_receipt': {
      const r = data as ReceiptData;
      return {
        at: r.body?.timestamp ?? null,
        conversation: null,
        actor: r.sender,
        target: r.messageSender,
        messageId: r.body?.messageId ?? null,
        summary: `${r.sender} ${r.body?.action ?? (trigger === 'message_read_receipt' ? 'read' : 'delivered')} message ${r.body?.messageId}`,
      };
    }
    case 'message_delivered_to_all':
    case 'message_read_by_all': {
      const r = data as ReceiptData;
      return {
        at: r.body?.timestamp ?? null,
        conversation: r.receiver ? `group_${r.receiver}` : null,
        actor: r.messageSender,
        target: r.receiver,
        messageId: r.body?.messageId ?? null,
        summary: `message ${r.body?.messageId} ${trigger === 'message_read_by_all' ? 'read by' : 'delivered to'} every member of ${r.receiver}`,
      };
    }
    case 'message_reaction_added':
    case 'message_reaction_removed': {
      const r = (data as ReactionData).reaction;
      const verb = trigger === 'message_reaction_added' ? 'reacted' : 'removed reaction';
      return {
        at: r?.reactedAt ?? null,
        conversation: null,
        actor: r?.uid ?? null,
        target: null,
        messageId: r?.messageId ?? null,
        summary: `${r?.uid} ${verb} ${r?.reaction} to message ${r?.messageId}`,
      };
    }
    default:
      return { at: null, conversation: null, actor: null, target: null, messageId: null, summary: trigger };
  }
}

export const messages: ConsumerProgram = {
  category: 'messages',
  schema,
  createHandler({ db, media, logger }) {
    const insertFeed = db.prepare(
      'INSERT INTO feed (event_id, trigger, at_s, conversation_id, actor, target, message_id, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertMedia = db.prepare('INSERT OR REPLACE INTO media (event_id, message_id, url, resolved_url, resolved_at_ms, error) VALUES (?, ?, ?, ?, ?, ?)');
    return async (event) => {
      const row = feedRow(event.trigger, (event.record as { data: unknown }).data);
      // Media links are resolved before the transaction (resolution is a network call).
      const urls = [...new Set(JSON.stringify(event.json()).match(MEDIA_URL) ?? [])];
      const resolved = await Promise.all(
        urls.map(async (url) => {
          if (!media) return { url, resolvedUrl: null, error: 'COMETCHAT_APP_ID/COMETCHAT_API_KEY not set' };
          try {
            return { url, resolvedUrl: await media.resolve(url), error: null };
          } catch (err) {
            // A refused link is recorded with its reason; it does not hold up the feed.
            if (!(err instanceof MediaAccessError)) throw err;
            logger.warn({ url, err: { message: err.message } }, 'media link not resolved');
            return { url, resolvedUrl: null, error: err.message };
          }
        }),
      );
      return applyOnce(db, event.eventId, event.trigger, () => {
        insertFeed.run(event.eventId, event.trigger, row.at, row.conversation, row.actor, row.target, row.messageId, row.summary);
        for (const m of resolved) insertMedia.run(event.eventId, row.messageId, m.url, m.resolvedUrl, m.resolvedUrl ? Date.now() : null, m.error);
      });
    };
  },
};

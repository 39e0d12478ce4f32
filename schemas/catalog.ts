// The trigger catalogue: for each CometChat trigger (the 35 of the webhook reference and those
// documented elsewhere), its category (and so its topic),
// the Avro record it is stored as, the fields its event id is derived from, and the partition
// key that keeps order where order matters. The gateway and the consumers both import this.
import { ContractError, type FieldProblem } from './errors.ts';
import { canonicalJson, uuidV5 } from './event-id.ts';
import { describeJsonType, pointer, valueAt, type JsonObject } from './json-path.ts';
import { NAMESPACE } from './avro-schema.ts';

export const CATEGORIES = ['messages', 'users', 'groups', 'calls', 'moderation'] as const;
export type Category = (typeof CATEGORIES)[number];

export const DEFAULT_TOPIC_PREFIX = 'cometchat';

/** `cometchat.messages`, or `<prefix>.messages`. */
export function topicFor(category: Category, prefix = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.${category}`;
}

/** TopicRecordNameStrategy: `<topic>-<record full name>`. */
export function subjectFor(topic: string, recordFullName: string): string {
  return `${topic}-${recordFullName}`;
}

/** A field the event id is made of, and the JSON type it must have. */
export interface IdentityField {
  readonly path: readonly string[];
  readonly type: 'string' | 'integer';
}

export interface TriggerSpec {
  readonly trigger: string;
  readonly category: Category;
  /** Full name of the Avro record, e.g. cometchat.webhooks.MessageSent. */
  readonly recordName: string;
  /**
   * CometChat's documented idempotency fields where they exist; for triggers without one
   * (`content`), the whole `data` object in canonical form, so a redelivery gets the same id.
   */
  readonly identity: readonly IdentityField[] | 'content';
  /** The Kafka message key: what must stay in order. Undefined when the payload lacks it. */
  partitionKey(payload: JsonObject): string | undefined;
  /** What the key is, in words, for docs and errors. */
  readonly keyDescription: string;
}

const str = (...path: string[]): IdentityField => ({ path, type: 'string' });
const int = (...path: string[]): IdentityField => ({ path, type: 'integer' });

function stringAt(payload: JsonObject, ...path: string[]): string | undefined {
  const value = valueAt(payload, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const byConversation = {
  keyDescription: 'data.message.conversationId',
  partitionKey: (p: JsonObject) => stringAt(p, 'data', 'message', 'conversationId'),
};

/**
 * Receipts carry no conversationId; CometChat's ids are group_<guid> for groups and the two
 * uids joined by _user_ in sorted order for one-to-one, so the receipt lands with its messages.
 */
const receiptConversation = {
  keyDescription: 'the conversation id derived from data.receiverType, data.receiver and data.sender',
  partitionKey(p: JsonObject): string | undefined {
    const receiver = stringAt(p, 'data', 'receiver');
    if (receiver === undefined) return undefined;
    if (stringAt(p, 'data', 'receiverType') === 'group') return `group_${receiver}`;
    const sender = stringAt(p, 'data', 'sender');
    if (sender === undefined) return undefined;
    const [a, b] = [receiver, sender].sort();
    return `${a}_user_${b}`;
  },
};

const byGroup = { keyDescription: 'data.group.guid', partitionKey: (p: JsonObject) => stringAt(p, 'data', 'group', 'guid') };
const bySession = { keyDescription: 'data.sessionId', partitionKey: (p: JsonObject) => stringAt(p, 'data', 'sessionId') };
const byCallConversation = { keyDescription: 'data.call.conversationId', partitionKey: (p: JsonObject) => stringAt(p, 'data', 'call', 'conversationId') };

type Entry = Omit<TriggerSpec, 'trigger' | 'recordName'>;

const messageById: IdentityField[] = [str('data', 'message', 'id')];

const ENTRIES: Record<string, Entry> = {
  message_sent: { category: 'messages', identity: messageById, ...byConversation },
  message_edited: { category: 'messages', identity: messageById, ...byConversation },
  message_deleted: { category: 'messages', identity: messageById, ...byConversation },
  message_delivery_receipt: { category: 'messages', identity: [str('data', 'body', 'messageId'), str('data', 'sender')], ...receiptConversation },
  message_read_receipt: { category: 'messages', identity: [str('data', 'body', 'messageId'), str('data', 'sender')], ...receiptConversation },
  // Group receipts from the system user (Enhanced Messaging Status): one per message and trigger.
  message_delivered_to_all: { category: 'messages', identity: [str('data', 'body', 'messageId'), str('data', 'sender')], ...receiptConversation },
  message_read_by_all: { category: 'messages', identity: [str('data', 'body', 'messageId'), str('data', 'sender')], ...receiptConversation },
  // Reactions name only the message: they are keyed by it, so adds and removals stay in order.
  message_reaction_added: {
    category: 'messages',
    identity: [str('data', 'reaction', 'id')],
    keyDescription: 'data.reaction.messageId',
    partitionKey: (p) => stringAt(p, 'data', 'reaction', 'messageId'),
  },
  message_reaction_removed: {
    category: 'messages',
    identity: [str('data', 'reaction', 'id')],
    keyDescription: 'data.reaction.messageId',
    partitionKey: (p) => stringAt(p, 'data', 'reaction', 'messageId'),
  },
  user_mentioned: { category: 'messages', identity: messageById, ...byConversation },

  user_blocked: { category: 'users', identity: 'content', keyDescription: 'data.by.uid', partitionKey: (p) => stringAt(p, 'data', 'by', 'uid') },
  user_unblocked: { category: 'users', identity: 'content', keyDescription: 'data.by.uid', partitionKey: (p) => stringAt(p, 'data', 'by', 'uid') },
  user_connection_status_changed: {
    category: 'users',
    identity: [str('data', 'user', 'uid'), int('data', 'timestamp')],
    keyDescription: 'data.user.uid',
    partitionKey: (p) => stringAt(p, 'data', 'user', 'uid'),
  },

  group_created: { category: 'groups', identity: 'content', ...byGroup },
  group_updated: { category: 'groups', identity: 'content', ...byGroup },
  group_deleted: { category: 'groups', identity: 'content', ...byGroup },
  group_member_added: { category: 'groups', identity: 'content', ...byGroup },
  group_member_joined: { category: 'groups', identity: 'content', ...byGroup },
  group_member_left: { category: 'groups', identity: 'content', ...byGroup },
  group_member_kicked: { category: 'groups', identity: 'content', ...byGroup },
  group_member_banned: { category: 'groups', identity: 'content', ...byGroup },
  group_member_unbanned: { category: 'groups', identity: 'content', ...byGroup },
  group_member_scope_changed: { category: 'groups', identity: 'content', ...byGroup },
  group_owner_transferred: { category: 'groups', identity: 'content', ...byGroup },

  call_initiated: {
    category: 'calls',
    identity: [str('data', 'call', 'id'), int('data', 'call', 'sentAt')],
    keyDescription: 'data.call.data.entities.on.entity.sessionid',
    partitionKey: (p) => stringAt(p, 'data', 'call', 'data', 'entities', 'on', 'entity', 'sessionid'),
  },
  call_started: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'created_at')], ...bySession },
  call_participant_joined: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'occupant', 'joined_at')], ...bySession },
  call_participant_left: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'occupant', 'left_at')], ...bySession },
  call_ended: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'destroyed_at')], ...bySession },
  meeting_started: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'created_at')], ...bySession },
  meeting_participant_joined: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'occupant', 'joined_at')], ...bySession },
  meeting_participant_left: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'occupant', 'left_at')], ...bySession },
  meeting_ended: { category: 'calls', identity: [str('data', 'sessionId'), int('data', 'destroyed_at')], ...bySession },
  recording_generated: { category: 'calls', identity: [str('data', 'sessionId'), str('data', 'startTime')], ...bySession },
  transcription_generated: { category: 'calls', identity: [str('data', 'sessionId'), str('data', 'tid')], ...bySession },
  // The ringing flow's outcomes: the call message names no session, so they keep the conversation's order.
  call_busy: { category: 'calls', identity: [str('data', 'call', 'id'), int('data', 'call', 'sentAt')], ...byCallConversation },
  call_cancelled: { category: 'calls', identity: [str('data', 'call', 'id'), int('data', 'call', 'sentAt')], ...byCallConversation },
  call_rejected: { category: 'calls', identity: [str('data', 'call', 'id'), int('data', 'call', 'sentAt')], ...byCallConversation },
  call_unanswered: { category: 'calls', identity: [str('data', 'call', 'id'), int('data', 'call', 'sentAt')], ...byCallConversation },

  moderation_engine_approved: { category: 'moderation', identity: messageById, ...byConversation },
  moderation_engine_blocked: { category: 'moderation', identity: messageById, ...byConversation },
  moderation_manual_approved: { category: 'moderation', identity: messageById, ...byConversation },
  // The engine could not decide: the message is data.resource; one event per message and decision time.
  moderation_engine_failed: {
    category: 'moderation',
    identity: [str('data', 'resource', 'id'), int('data', 'completedAt')],
    keyDescription: 'data.resource.conversationId',
    partitionKey: (p) => stringAt(p, 'data', 'resource', 'conversationId'),
  },
};

/** message_sent → MessageSent. */
export function recordNameOf(trigger: string): string {
  return trigger.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());
}

export const TRIGGERS: ReadonlyMap<string, TriggerSpec> = new Map(
  Object.entries(ENTRIES).map(([trigger, entry]) => [trigger, Object.freeze({ ...entry, trigger, recordName: `${NAMESPACE}.${recordNameOf(trigger)}` })]),
);

export function triggerSpec(trigger: string): TriggerSpec | undefined {
  return TRIGGERS.get(trigger);
}

/**
 * The event id: a UUID v5 of the webhook id, the trigger and the identity fields. Throws
 * `identity_invalid` naming every identity field that is missing or of the wrong type.
 */
export function eventIdOf(spec: TriggerSpec, payload: JsonObject): string {
  const webhook = typeof payload.webhook === 'string' ? payload.webhook : '';
  if (spec.identity === 'content') {
    return uuidV5(JSON.stringify([webhook, spec.trigger, canonicalJson(payload.data ?? null)]));
  }
  const values: unknown[] = [];
  const problems: FieldProblem[] = [];
  for (const field of spec.identity) {
    const value = valueAt(payload, field.path);
    const ok = field.type === 'string' ? typeof value === 'string' && value !== '' : Number.isSafeInteger(value);
    if (ok) values.push(value);
    else
      problems.push({
        path: pointer(field.path),
        problem: `expected ${field.type === 'string' ? 'a non-empty string' : 'an integer'}, found ${describeJsonType(value)}`,
      });
  }
  if (problems.length > 0) {
    throw new ContractError('identity_invalid', `${spec.trigger}: the fields that identify the event are missing or malformed`, problems);
  }
  return uuidV5(JSON.stringify([webhook, spec.trigger, ...values]));
}

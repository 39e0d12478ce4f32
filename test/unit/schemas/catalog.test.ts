import { describe, expect, it } from 'vitest';
import { CATEGORIES, eventIdOf, subjectFor, topicFor, TRIGGERS, triggerSpec } from '../../../schemas/catalog.ts';
import { ContractError } from '../../../schemas/errors.ts';
import { documented, documentedTriggers, extra, extraExamples } from '../../support/payloads.ts';

const spec = (trigger: string) => triggerSpec(trigger)!;

describe('trigger catalogue', () => {
  it('puts every trigger in one of the five categories', () => {
    const counts = Object.fromEntries(CATEGORIES.map((c) => [c, [...TRIGGERS.values()].filter((s) => s.category === c).length]));
    expect(counts).toEqual({ messages: 10, users: 3, groups: 11, calls: 15, moderation: 4 });
  });

  it('topic → cometchat.<category>, or <prefix>.<category>', () => {
    expect(topicFor('messages')).toBe('cometchat.messages');
    expect(topicFor('calls', 'acme.chat')).toBe('acme.chat.calls');
  });

  it('subject → TopicRecordNameStrategy <topic>-<record full name>', () => {
    expect(subjectFor(topicFor('messages'), spec('message_sent').recordName)).toBe('cometchat.messages-cometchat.webhooks.MessageSent');
  });

  it.each([
    ['message_sent', 'cometchat-uid-1_user_cometchat-uid-2'],
    ['message_read_receipt', 'cometchat-uid-1_user_cometchat-uid-2'],
    ['message_reaction_added', '<messageId>'],
    ['user_connection_status_changed', 'cometchat-uid-1'],
    ['user_blocked', 'cometchat-uid-1'],
    ['group_member_kicked', 'cometchat-guid-1'],
    ['call_initiated', '<sessionId>'],
    ['meeting_ended', '<sessionId>'],
    ['moderation_engine_blocked', 'cometchat-uid-1_user_cometchat-uid-2'],
  ])('%s → partition key %s', (trigger, key) => {
    expect(spec(trigger).partitionKey(documented(trigger))).toBe(key);
  });

  it('a receipt in a group → keyed by the group conversation', () => {
    const payload = documented('message_delivery_receipt');
    Object.assign(payload.data as object, { receiverType: 'group', receiver: 'cometchat-guid-1' });
    expect(spec('message_delivery_receipt').partitionKey(payload)).toBe('group_cometchat-guid-1');
  });

  it('the key field missing → no key (the gateway then keys by event id)', () => {
    const payload = documented('message_sent');
    delete (payload.data as { message: Record<string, unknown> }).message.conversationId;
    expect(spec('message_sent').partitionKey(payload)).toBeUndefined();
  });
});

describe('eventIdOf', () => {
  it('→ a version 5 UUID', () => {
    expect(eventIdOf(spec('message_sent'), documented('message_sent'))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the same delivery twice → the same id', () => {
    for (const trigger of documentedTriggers) {
      expect(eventIdOf(spec(trigger), documented(trigger))).toBe(eventIdOf(spec(trigger), documented(trigger)));
    }
    for (const { name, trigger } of extraExamples) {
      expect(eventIdOf(spec(trigger), extra(name))).toBe(eventIdOf(spec(trigger), extra(name)));
    }
  });

  it('documented identity: a change outside the identity fields → the same id', () => {
    const edited = documented('message_sent');
    (edited.data as { message: Record<string, unknown> }).message.updatedAt = 1;
    expect(eventIdOf(spec('message_sent'), edited)).toBe(eventIdOf(spec('message_sent'), documented('message_sent')));
  });

  it('documented identity: another message id → another id', () => {
    const other = documented('message_sent');
    (other.data as { message: Record<string, unknown> }).message.id = '2';
    expect(eventIdOf(spec('message_sent'), other)).not.toBe(eventIdOf(spec('message_sent'), documented('message_sent')));
  });

  it('another webhook or trigger → another id', () => {
    const base = eventIdOf(spec('message_sent'), documented('message_sent'));
    expect(eventIdOf(spec('message_sent'), { ...documented('message_sent'), webhook: 'other' })).not.toBe(base);
    expect(eventIdOf(spec('user_mentioned'), documented('message_sent'))).not.toBe(base);
  });

  it('content identity: the same data with keys in another order → the same id', () => {
    const payload = documented('group_member_added');
    const reordered = { ...payload, data: Object.fromEntries(Object.entries(payload.data as object).reverse()) };
    expect(eventIdOf(spec('group_member_added'), reordered)).toBe(eventIdOf(spec('group_member_added'), payload));
  });

  it('content identity: different data → a different id', () => {
    const payload = documented('user_blocked');
    (payload.data as { by: Record<string, unknown> }).by.lastActiveAt = 1;
    expect(eventIdOf(spec('user_blocked'), payload)).not.toBe(eventIdOf(spec('user_blocked'), documented('user_blocked')));
  });

  it('identity fields missing or mistyped → identity_invalid naming every path', () => {
    const payload = documented('call_participant_left');
    const data = payload.data as { sessionId?: unknown; occupant: Record<string, unknown> };
    delete data.sessionId;
    data.occupant.left_at = 'later';
    try {
      eventIdOf(spec('call_participant_left'), payload);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).code).toBe('identity_invalid');
      expect((err as ContractError).paths).toEqual(['/data/sessionId', '/data/occupant/left_at']);
      expect((err as ContractError).message).toMatch(/\/data\/occupant\/left_at: expected an integer, found a string/);
    }
  });
});

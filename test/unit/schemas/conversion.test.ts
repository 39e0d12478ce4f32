// How conversion treats what the documented examples do not show. Each case starts from the
// documented message_sent (or the trigger named) and changes one thing.
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../schemas/errors.ts';
import type { JsonObject } from '../../../schemas/json-path.ts';
import { contract, RECEIVED_AT, roundTrip } from '../../support/contract.ts';
import { documented } from '../../support/payloads.ts';

type Message = JsonObject & { data: JsonObject & { entities: { sender: { entity: JsonObject; entityType: unknown } } } };
const messageOf = (payload: JsonObject) => (payload.data as { message: Message }).message;

function expectContractError(fn: () => unknown, code: string, paths: string[]): void {
  try {
    fn();
    expect.unreachable('should have thrown');
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).code).toBe(code);
    expect((err as ContractError).paths).toEqual(paths);
  }
}

describe('conversion: what the examples do not show', () => {
  it('an unknown top-level member → kept in the record’s _unmapped, restored on the way back', () => {
    const payload = { ...documented('message_sent'), deliveryAttempt: 2 };
    const { back, record } = roundTrip(payload);
    expect(record._unmapped).toBe('{"deliveryAttempt":2}');
    expect(back).toEqual(payload);
  });

  it('an unknown member deep inside (a user entity) → kept in that User’s _unmapped', () => {
    const payload = documented('message_sent');
    messageOf(payload).data.entities.sender.entity.tags = ['vip'];
    const { back, record } = roundTrip(payload);
    const sender = ((record.data as JsonObject).message as Message).data.entities.sender as unknown as { user: JsonObject };
    expect(sender.user._unmapped).toBe('{"tags":["vip"]}');
    expect(back).toEqual(payload);
  });

  it('null where a value is expected → typed field null, the null kept (not confused with absent)', () => {
    const payload = documented('message_sent');
    messageOf(payload).updatedAt = null;
    const { back, record, mismatches } = roundTrip(payload);
    expect(((record.data as JsonObject).message as JsonObject).updatedAt).toBeNull();
    expect(back).toEqual(payload);
    expect(mismatches).toEqual([]);
  });

  it('a known member of an unexpected type (sentAt: "yesterday") → kept, and reported as a mismatch by path', () => {
    const payload = documented('message_sent');
    messageOf(payload).sentAt = 'yesterday';
    const { back, mismatches } = roundTrip(payload);
    expect(back).toEqual(payload);
    expect(mismatches).toEqual(['/data/message/sentAt']);
  });

  it('a missing optional member → null in the record, still absent on the way back', () => {
    const payload = documented('message_sent');
    delete messageOf(payload).sentAt;
    const { back, record } = roundTrip(payload);
    expect(((record.data as JsonObject).message as JsonObject).sentAt).toBeNull();
    expect(back).toEqual(payload);
  });

  it('only the envelope and the identity fields → converts', () => {
    const payload = { trigger: 'message_sent', data: { message: { id: '77' } } };
    expect(roundTrip(payload).back).toEqual(payload);
  });

  it('a new value where CometChat controls the vocabulary (status, category) → just a string', () => {
    const payload = documented('message_sent');
    messageOf(payload).category = 'interactive';
    messageOf(payload).data.entities.sender.entity.status = 'invisible';
    expect(roundTrip(payload).back).toEqual(payload);
  });

  it('an entity wrapper → the entity in the field its entityType names', () => {
    const { record } = roundTrip(documented('message_sent'));
    const sender = ((record.data as JsonObject).message as Message).data.entities.sender as unknown as JsonObject;
    expect(sender).toMatchObject({ entityType: 'user', group: null, message: null, call: null });
    expect((sender.user as JsonObject).uid).toBe('cometchat-uid-1');
  });

  it('an entity of an unknown entityType → kept whole in the wrapper’s _unmapped', () => {
    const payload = documented('message_sent');
    messageOf(payload).data.entities.sender.entityType = 'bot';
    const { back, record } = roundTrip(payload);
    const sender = ((record.data as JsonObject).message as Message).data.entities.sender as unknown as JsonObject;
    expect(sender.user).toBeNull();
    expect(JSON.parse(sender._unmapped as string)).toHaveProperty('entity.uid', 'cometchat-uid-1');
    expect(back).toEqual(payload);
  });

  it('free-form metadata of any shape → JSON text, restored exactly', () => {
    const payload = documented('message_sent');
    messageOf(payload).data.metadata = { nested: { list: [1, 'two', null, { three: true }] }, emoji: '🏒' };
    const { back, record } = roundTrip(payload);
    expect(typeof ((record.data as JsonObject).message as Message).data.metadata).toBe('string');
    expect(back).toEqual(payload);
  });

  it('a __proto__ member key → kept as a member, prototypes untouched', () => {
    const payload = JSON.parse(JSON.stringify(documented('group_member_added')).replace('"cometchat-uid-2":', '"__proto__":')) as JsonObject;
    const { back } = roundTrip(payload);
    expect(Object.keys((back.data as JsonObject).members as object)).toEqual(['__proto__']);
    expect(back).toEqual(payload);
    expect(({} as JsonObject).uid).toBeUndefined();
  });

  it('an integer beyond 2^53 → kept as JavaScript parsed it', () => {
    const payload = JSON.parse(JSON.stringify(documented('message_sent')).replace('"sentAt":1696934912', '"sentAt":123456789012345678901')) as JsonObject;
    const { back, mismatches } = roundTrip(payload);
    expect(back).toEqual(payload);
    expect(mismatches).toEqual(['/data/message/sentAt']);
  });

  it('a string with a lone surrogate → kept (UTF-8 could not carry it as a string)', () => {
    const payload = documented('message_sent');
    messageOf(payload).data.text = 'broken \ud800 half';
    expect(roundTrip(payload).back).toEqual(payload);
  });

  it('a map with a value that is not an object → the whole map kept in _unmapped', () => {
    const payload = documented('group_member_added');
    ((payload.data as JsonObject).members as JsonObject)['cometchat-uid-9'] = 'not a user';
    const { back, mismatches } = roundTrip(payload);
    expect(back).toEqual(payload);
    expect(mismatches).toEqual(['/data/members']);
  });
});

describe('conversion: values CometChat sends as strings', () => {
  it('occupant audio_call "true" → kept as sent, and audioCall true', () => {
    const { back, record } = roundTrip(documented('call_participant_joined'));
    expect((record.data as { occupant: JsonObject }).occupant).toMatchObject({ audio_call: 'true', audioCall: true });
    expect(back).toEqual(documented('call_participant_joined'));
  });

  it('recording startTime and duration → kept as sent, and parsed into startTimeSeconds, durationSeconds', () => {
    const { back, record } = roundTrip(documented('recording_generated'));
    expect(record.data).toMatchObject({ startTime: '1696937627', startTimeSeconds: 1696937627, duration: '21.433000', durationSeconds: 21.433 });
    expect(back).toEqual(documented('recording_generated'));
  });

  it('a duration that is not a number → durationSeconds null, duration kept', () => {
    const payload = documented('recording_generated');
    (payload.data as JsonObject).duration = 'n/a';
    const { back, record } = roundTrip(payload);
    expect((record.data as JsonObject).durationSeconds).toBeNull();
    expect(back).toEqual(payload);
  });
});

describe('conversion: what cannot be converted', () => {
  it('a body that is not an object → payload_not_object', () => {
    expectContractError(() => contract().convert([1, 2], RECEIVED_AT), 'payload_not_object', []);
  });

  it('no trigger, or not a string → trigger_missing at /trigger', () => {
    expectContractError(() => contract().convert({ data: {} }, RECEIVED_AT), 'trigger_missing', ['/trigger']);
    expectContractError(() => contract().convert({ trigger: 7 }, RECEIVED_AT), 'trigger_missing', ['/trigger']);
  });

  it('a trigger the catalogue does not know → trigger_unknown', () => {
    expectContractError(() => contract().convert({ trigger: 'message_pinned', data: {} }, RECEIVED_AT), 'trigger_unknown', ['/trigger']);
  });

  it('JSON nested thousands of levels deep → payload_too_deep, not a stack overflow', () => {
    for (const trigger of ['message_sent', 'group_created']) {
      const payload = JSON.parse(`{"trigger":"${trigger}","data":{"message":{"id":"1"},"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`) as JsonObject;
      expectContractError(() => contract().convert(payload, RECEIVED_AT), 'payload_too_deep', ['']);
    }
  });

  it('the documented payloads are far from the depth limit', () => {
    const payload = documented('message_edited');
    expect(() => contract().convert(payload, RECEIVED_AT)).not.toThrow();
  });

  it('the identity field mangled → identity_invalid at its path', () => {
    const payload = documented('message_sent');
    messageOf(payload).id = { not: 'an id' };
    expectContractError(() => contract().convert(payload, RECEIVED_AT), 'identity_invalid', ['/data/message/id']);
  });
});

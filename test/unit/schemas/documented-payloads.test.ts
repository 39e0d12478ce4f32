import { describe, expect, it } from 'vitest';
import { TRIGGERS } from '../../../schemas/catalog.ts';
import { documented, documentedTriggers } from '../../support/payloads.ts';
import { contract, RECEIVED_AT, roundTrip } from '../../support/contract.ts';

describe('the documented example of every trigger', () => {
  it('the catalogue and the documentation name the same 35 triggers', () => {
    expect(documentedTriggers).toHaveLength(35);
    expect([...TRIGGERS.keys()].sort()).toEqual(documentedTriggers);
  });

  describe.each(documentedTriggers)('%s', (trigger) => {
    it('converts, encodes, decodes and converts back to a deep-equal copy', () => {
      const payload = documented(trigger);
      expect(roundTrip(payload).back).toEqual(payload);
    });

    it('fits the schema exactly: every documented member typed, nothing in _unmapped', () => {
      const { record, mismatches } = roundTrip(documented(trigger));
      expect(mismatches).toEqual([]);
      expect(JSON.stringify(record)).not.toMatch(/"_unmapped":"/);
    });

    it('carries the envelope and the gateway fields', () => {
      const payload = documented(trigger);
      const event = contract().convert(payload, RECEIVED_AT);
      expect(event.record).toMatchObject({
        trigger,
        appId: payload.appId,
        region: payload.region,
        webhook: payload.webhook,
        type: payload.type ?? null,
        eventId: event.eventId,
        receivedAt: RECEIVED_AT,
      });
    });
  });
});

import { describe, expect, it } from 'vitest';
import { TRIGGERS } from '../../../schemas/catalog.ts';
import { documented, documentedTriggers, extra, extraExamples } from '../../support/payloads.ts';
import { contract, RECEIVED_AT, roundTrip } from '../../support/contract.ts';

describe('the documented example of every trigger', () => {
  it('the catalogue holds the 35 triggers of the webhook reference and the 8 documented elsewhere, each with an example', () => {
    expect(documentedTriggers).toHaveLength(35);
    const extraTriggers = [...new Set(extraExamples.map((e) => e.trigger))];
    expect(extraTriggers).toHaveLength(8);
    expect([...TRIGGERS.keys()].sort()).toEqual([...documentedTriggers, ...extraTriggers].sort());
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

  describe.each(extraExamples.map((e) => e.name))('%s (documented beyond the webhook reference)', (name) => {
    it('converts, encodes, decodes and converts back to a deep-equal copy', () => {
      const payload = extra(name);
      expect(roundTrip(payload).back).toEqual(payload);
    });

    it('fits the schema exactly: every documented member typed, nothing in _unmapped', () => {
      const { record, mismatches } = roundTrip(extra(name));
      expect(mismatches).toEqual([]);
      expect(JSON.stringify(record)).not.toMatch(/"_unmapped":"/);
    });
  });
});

// One loaded contract for a test file, and the round trip every conversion test checks.
import { loadContract, type Contract } from '../../schemas/contract.ts';
import type { JsonObject } from '../../schemas/json-path.ts';

let shared: Contract | undefined;
export function contract(): Contract {
  shared ??= loadContract();
  return shared;
}

export const RECEIVED_AT = 1_764_000_000_000;

/** JSON → record → Avro bytes → record → JSON, as the gateway and a consumer would do it. */
export function roundTrip(payload: unknown): { back: JsonObject; record: JsonObject; mismatches: readonly string[] } {
  const c = contract();
  const event = c.convert(payload, RECEIVED_AT);
  const bytes = c.encode(event.codec, event.record, 1);
  const { record } = c.decode(event.codec.spec.trigger, bytes);
  return { back: c.toJson(event.codec.spec.trigger, record), record, mismatches: event.mismatches };
}

// The event contract at run time: for every trigger, its committed schema (registered/), the
// avsc type that encodes it and the plan that converts CometChat JSON to it and back.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { registeredSchemaFile, type AvroRecord } from './avro-schema.ts';
import { eventIdOf, TRIGGERS, type TriggerSpec } from './catalog.ts';
import { fromJson, toJson, type Conversion } from './convert.ts';
import { ContractError } from './errors.ts';
import { exceedsDepth, isJsonObject, type JsonObject } from './json-path.ts';
import { compilePlan, type RecordPlan } from './plan.ts';
import { HEADER_BYTES, MAGIC_BYTE, unframe } from './wire-format.ts';

export interface TriggerCodec {
  readonly spec: TriggerSpec;
  readonly schema: AvroRecord;
  readonly type: avro.Type;
  readonly plan: RecordPlan;
}

export interface ConvertedEvent extends Conversion {
  readonly codec: TriggerCodec;
  readonly eventId: string;
  /** The Kafka key; the event id when the payload lacks the catalogue's key field. */
  readonly key: string;
}

/** A body the contract can look at: a JSON object whose `trigger` is a string. */
export type WebhookEvent = JsonObject & { readonly trigger: string };

/** The one place that rule is checked: throws ContractError naming what is wrong. */
export function asWebhookEvent(payload: unknown): WebhookEvent {
  if (!isJsonObject(payload)) throw new ContractError('payload_not_object', 'the payload must be a JSON object');
  if (typeof payload.trigger !== 'string') {
    throw new ContractError('trigger_missing', 'the payload has no trigger', [{ path: '/trigger', problem: 'expected a string' }]);
  }
  return payload as WebhookEvent;
}

export interface Contract {
  readonly codecs: ReadonlyMap<string, TriggerCodec>;
  /** Validates and converts one webhook body; throws ContractError naming the field paths. */
  convert(payload: unknown, receivedAt: number): ConvertedEvent;
  toJson(trigger: string, record: JsonObject): JsonObject;
  encode(codec: TriggerCodec, record: JsonObject, schemaId: number): Buffer;
  /** Decodes a wire-format message written with `schemaId` of this trigger's schema. */
  decode(trigger: string, message: Buffer): { schemaId: number; record: JsonObject };
}

/**
 * The deepest nesting accepted for conversion. CometChat's deepest documented payload has about
 * 15 levels; a body nested thousands deep is hostile and would exhaust the stack of recursive
 * code (canonical JSON for event ids), so it is refused before any of that runs.
 */
export const MAX_JSON_DEPTH = 64;

export function loadCodec(spec: TriggerSpec): TriggerCodec {
  const schema = JSON.parse(readFileSync(registeredSchemaFile(spec.trigger), 'utf8')) as AvroRecord;
  // A registry per type: every trigger's schema defines the shared types again.
  const type = avro.Type.forSchema(schema as unknown as avro.Schema, { registry: {} });
  return { spec, schema, type, plan: compilePlan(schema) };
}

/**
 * The contract of the catalogue's triggers, or of `specs` (a catalogue of a test's own: one that
 * lacks a trigger, or has an older entry for one).
 */
export function loadContract({ specs = TRIGGERS.values() }: { specs?: Iterable<TriggerSpec> } = {}): Contract {
  const codecs = new Map([...specs].map((spec) => [spec.trigger, loadCodec(spec)]));
  const scratch = { buffer: Buffer.allocUnsafe(64 * 1024) };

  function codecOf(trigger: string): TriggerCodec {
    const codec = codecs.get(trigger);
    if (!codec)
      throw new ContractError('trigger_unknown', `no schema for trigger ${JSON.stringify(trigger)}`, [
        { path: '/trigger', problem: 'not in the trigger catalogue' },
      ]);
    return codec;
  }

  return {
    codecs,
    convert(body, receivedAt) {
      const payload = asWebhookEvent(body);
      const codec = codecOf(payload.trigger);
      if (exceedsDepth(payload, MAX_JSON_DEPTH)) {
        throw new ContractError('payload_too_deep', `the payload is nested deeper than ${MAX_JSON_DEPTH} levels`, [
          { path: '', problem: `nested deeper than ${MAX_JSON_DEPTH} levels` },
        ]);
      }
      const eventId = eventIdOf(codec.spec, payload);
      const conversion = fromJson(payload, codec.plan, { eventId, receivedAt });
      return { ...conversion, codec, eventId, key: codec.spec.partitionKey(payload) ?? eventId };
    },
    toJson(trigger, record) {
      return toJson(record, codecOf(trigger).plan);
    },
    encode(codec, record, schemaId) {
      // Encode straight after the wire-format header in a reused buffer, then copy out once.
      let end = codec.type.encode(record, scratch.buffer, HEADER_BYTES);
      while (end < 0) {
        scratch.buffer = Buffer.allocUnsafe(Math.max(scratch.buffer.length * 2, HEADER_BYTES - end));
        end = codec.type.encode(record, scratch.buffer, HEADER_BYTES);
      }
      scratch.buffer[0] = MAGIC_BYTE;
      scratch.buffer.writeInt32BE(schemaId, 1);
      return Buffer.from(scratch.buffer.subarray(0, end));
    },
    decode(trigger, message) {
      const { schemaId, avroBytes } = unframe(message);
      return { schemaId, record: codecOf(trigger).type.fromBuffer(avroBytes) as JsonObject };
    },
  };
}

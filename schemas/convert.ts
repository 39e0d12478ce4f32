// CometChat JSON ⇄ Avro record, losslessly. Members the schema names are typed; everything
// else — unknown keys at any depth, explicit nulls, values of an unexpected JSON type — is kept
// as JSON text in the enclosing record's _unmapped, so toJson(fromJson(p)) deep-equals p.
import { ContractError, type FieldProblem } from './errors.ts';
import { describeJsonType, isJsonObject, pointer, type JsonObject } from './json-path.ts';
import type { FieldPlan, Parser, Plan, RecordPlan } from './plan.ts';

/** What the gateway adds to every record. */
export interface GatewayFields {
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

export interface Conversion {
  readonly record: JsonObject;
  /**
   * JSON Pointers of members the schema names whose value had an unexpected type: kept in
   * _unmapped, but worth a warning (CometChat may have changed a field's type).
   */
  readonly mismatches: readonly string[];
}

const UNFIT = Symbol('unfit');
type Converted = unknown | typeof UNFIT;

function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;
}

class Converter {
  readonly mismatches: string[] = [];
  private readonly gateway: GatewayFields | undefined;
  /** Keys from the root to the value being converted; joined into a path only when one is reported. */
  private readonly at: string[] = [];

  constructor(gateway: GatewayFields | undefined) {
    this.gateway = gateway;
  }

  value(value: unknown, plan: Plan): Converted {
    switch (plan.kind) {
      // Strings must be well-formed UTF-16: a lone surrogate would not survive UTF-8 encoding.
      case 'string':
        return typeof value === 'string' && value.isWellFormed() ? value : UNFIT;
      // -0 is not an Avro long; it stays in _unmapped as JSON (where it reads back as 0).
      case 'long':
        return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : UNFIT;
      case 'int':
        return typeof value === 'number' && isInt32(value) && !Object.is(value, -0) ? value : UNFIT;
      case 'double':
        return typeof value === 'number' ? value : UNFIT;
      case 'boolean':
        return typeof value === 'boolean' ? value : UNFIT;
      case 'json':
        return JSON.stringify(value);
      case 'record':
        return isJsonObject(value) ? this.record(value, plan) : UNFIT;
      case 'map': {
        if (!isJsonObject(value)) return UNFIT;
        const out: JsonObject = {};
        for (const key of Object.keys(value)) {
          // Avro decoders build maps as plain objects, where __proto__ cannot be a key.
          if (key === '__proto__' || !key.isWellFormed()) return UNFIT;
          this.at.push(key);
          const converted = this.value(value[key], plan.values);
          this.at.pop();
          if (converted === UNFIT) return UNFIT;
          out[key] = converted;
        }
        return out;
      }
      case 'array': {
        if (!Array.isArray(value)) return UNFIT;
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) {
          this.at.push(String(i));
          const converted = this.value(value[i], plan.items);
          this.at.pop();
          if (converted === UNFIT) return UNFIT;
          out.push(converted);
        }
        return out;
      }
    }
  }

  record(obj: JsonObject, plan: RecordPlan): JsonObject {
    const out: JsonObject = {};
    for (const field of plan.fields) if (field.optional) out[field.name] = null;
    let unmapped: string[] | undefined;
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      const placed = this.place(obj, key, value, plan, out);
      if (!placed) {
        unmapped ??= [];
        unmapped.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      }
    }
    for (const field of plan.derived) out[field.name] = parse(field.derive!.parse, obj[field.derive!.from]);
    if (this.gateway && this.at.length === 0) {
      out.eventId = this.gateway.eventId;
      out.receivedAt = this.gateway.receivedAt;
    }
    const problems: FieldProblem[] = [];
    for (const field of plan.fields) {
      if (field.role === 'json' && !field.optional && out[field.name] === undefined) {
        problems.push({ path: pointer([...this.at, field.jsonKey]), problem: `required, found ${describeJsonType(obj[field.jsonKey])}` });
      }
    }
    if (problems.length > 0) throw new ContractError('payload_unrepresentable', 'the payload cannot be represented', problems);
    if (unmapped) out._unmapped = `{${unmapped.join(',')}}`;
    return out;
  }

  /** Puts obj[key] into the first field that takes it; false when none does. */
  private place(obj: JsonObject, key: string, value: unknown, plan: RecordPlan, out: JsonObject): boolean {
    const candidates = plan.byKey.get(key);
    if (!candidates) return false;
    let applicable: FieldPlan | undefined;
    for (const field of candidates) {
      if (field.when && obj[field.when.key] !== field.when.equals) continue;
      applicable = field;
      // null never goes into a typed field: it would read back as "absent".
      if (value === null) break;
      this.at.push(key);
      const converted = this.value(value, field.plan);
      this.at.pop();
      if (converted !== UNFIT) {
        out[field.name] = converted;
        return true;
      }
    }
    if (applicable && value !== null) this.mismatches.push(pointer([...this.at, key]));
    return false;
  }
}

function parse(parser: Parser, raw: unknown): unknown {
  switch (parser) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      return raw === 'true' ? true : raw === 'false' ? false : null;
    case 'integer': {
      const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      return Number.isSafeInteger(n) ? n : null;
    }
    case 'decimal': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      return typeof n === 'number' && Number.isFinite(n) ? n : null;
    }
  }
}

/** CometChat JSON → Avro record (a plain object avsc can encode with the trigger's type). */
export function fromJson(payload: JsonObject, plan: RecordPlan, gateway: GatewayFields): Conversion {
  const converter = new Converter(gateway);
  const record = converter.record(payload, plan);
  return { record, mismatches: converter.mismatches };
}

function setOwn(target: JsonObject, key: string, value: unknown): void {
  // Plain assignment would treat "__proto__" as the prototype, not as a member.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function valueToJson(value: unknown, plan: Plan): unknown {
  switch (plan.kind) {
    case 'json':
      return JSON.parse(value as string);
    case 'record':
      return recordToJson(value as JsonObject, plan);
    case 'map': {
      const out: JsonObject = {};
      for (const [key, v] of Object.entries(value as JsonObject)) setOwn(out, key, valueToJson(v, plan.values));
      return out;
    }
    case 'array':
      return (value as unknown[]).map((v) => valueToJson(v, plan.items));
    default:
      return value;
  }
}

function recordToJson(record: JsonObject, plan: RecordPlan): JsonObject {
  const out: JsonObject = {};
  for (const field of plan.fields) {
    if (field.role !== 'json') continue;
    const value = record[field.name];
    if (value === null || value === undefined) continue;
    setOwn(out, field.jsonKey, valueToJson(value, field.plan));
  }
  const unmapped = record._unmapped;
  if (typeof unmapped === 'string') {
    const extra = JSON.parse(unmapped) as JsonObject;
    for (const key of Object.keys(extra)) setOwn(out, key, extra[key]);
  }
  return out;
}

/** Avro record → the CometChat JSON it was made from (without the gateway's own fields). */
export function toJson(record: JsonObject, plan: RecordPlan): JsonObject {
  return recordToJson(record, plan);
}

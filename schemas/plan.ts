// Compiles a self-contained record schema into a conversion plan: for each record, which JSON
// key each field reads, under which condition, and which fields are not CometChat's at all
// (added by the gateway, derived from another field, or the _unmapped catch-all).
import { fullName, NAMESPACE, type AvroRecord, type AvroSchema } from './avro-schema.ts';

export type Parser = 'boolean' | 'integer' | 'decimal';

export type Plan =
  | { readonly kind: 'string' | 'long' | 'int' | 'double' | 'boolean' }
  | { readonly kind: 'json' }
  | RecordPlan
  | { readonly kind: 'map'; readonly values: Plan }
  | { readonly kind: 'array'; readonly items: Plan };

export interface FieldPlan {
  readonly name: string;
  /** json: read from the payload; gateway: supplied by the gateway; derived: parsed from a sibling; unmapped: the catch-all. */
  readonly role: 'json' | 'gateway' | 'derived' | 'unmapped';
  readonly jsonKey: string;
  /** Only take the value when a sibling member has this value (entity wrappers). */
  readonly when?: { readonly key: string; readonly equals: unknown };
  readonly derive?: { readonly from: string; readonly parse: Parser };
  /** A union with null: absent is fine. */
  readonly optional: boolean;
  readonly plan: Plan;
}

export interface RecordPlan {
  readonly kind: 'record';
  readonly name: string;
  readonly fields: FieldPlan[];
  /** JSON key → the fields that may hold it, in schema order. */
  readonly byKey: Map<string, FieldPlan[]>;
  readonly derived: FieldPlan[];
}

type Json = { [key: string]: unknown };

export function compilePlan(schema: AvroRecord): RecordPlan {
  const records = new Map<string, RecordPlan>();

  function compile(type: AvroSchema, namespace: string, jsonText: boolean): Plan {
    if (jsonText) return { kind: 'json' };
    if (typeof type === 'string') {
      switch (type) {
        case 'string':
        case 'long':
        case 'int':
        case 'double':
        case 'boolean':
          return { kind: type };
        default: {
          const named = records.get(fullName(type, namespace));
          if (!named) throw new Error(`schema refers to ${type} before defining it`);
          return named;
        }
      }
    }
    if (Array.isArray(type)) throw new Error('nested unions are not used by the event contract');
    const t = type as Json;
    switch (t.type) {
      case 'record':
        return compileRecord(t as unknown as AvroRecord, namespace);
      case 'map':
        return { kind: 'map', values: compile(t.values as AvroSchema, namespace, false) };
      case 'array':
        return { kind: 'array', items: compile(t.items as AvroSchema, namespace, false) };
      default:
        // A primitive with a logical type (timestamp-millis, uuid): convert as the primitive.
        return compile(t.type as AvroSchema, namespace, false);
    }
  }

  function compileRecord(record: AvroRecord, outer: string): RecordPlan {
    const namespace = record.namespace ?? outer;
    const plan: RecordPlan = { kind: 'record', name: fullName(record.name, namespace), fields: [], byKey: new Map(), derived: [] };
    records.set(plan.name, plan);
    for (const field of record.fields) {
      const branches = Array.isArray(field.type) ? field.type : [field.type];
      const nonNull = branches.filter((b) => b !== 'null');
      if (nonNull.length !== 1) throw new Error(`${plan.name}.${field.name}: only [null, T] unions are supported`);
      const role: FieldPlan['role'] =
        field.name === '_unmapped' ? 'unmapped' : field['x-source'] === 'gateway' ? 'gateway' : field['x-derived'] ? 'derived' : 'json';
      const fieldPlan: FieldPlan = {
        name: field.name,
        role,
        jsonKey: typeof field['x-json-key'] === 'string' ? field['x-json-key'] : field.name,
        optional: branches.length > nonNull.length,
        plan: compile(nonNull[0]!, namespace, field['x-json'] === true),
        ...(field['x-when'] ? { when: whenOf(field['x-when'] as Json) } : {}),
        ...(field['x-derived'] ? { derive: field['x-derived'] as FieldPlan['derive'] & object } : {}),
      };
      plan.fields.push(fieldPlan);
      if (role === 'json') {
        const list = plan.byKey.get(fieldPlan.jsonKey) ?? [];
        list.push(fieldPlan);
        plan.byKey.set(fieldPlan.jsonKey, list);
      }
      if (role === 'derived') plan.derived.push(fieldPlan);
    }
    return plan;
  }

  function whenOf(when: Json): { key: string; equals: unknown } {
    const [entry, ...rest] = Object.entries(when);
    if (!entry || rest.length > 0) throw new Error('x-when names exactly one sibling key');
    return { key: entry[0], equals: entry[1] };
  }

  return compileRecord(schema, schema.namespace ?? NAMESPACE);
}

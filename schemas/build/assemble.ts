// Builds each trigger's self-contained record schema from the sources in avro/: the envelope's
// fields, the trigger's own fields (avro/triggers/<trigger>.avsc), then _unmapped, with every
// shared named type (avro/types/*.avsc) defined inline at its first use. No schema references:
// what is registered stands alone, for our registry and Confluent's alike.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fullName, NAMESPACE, schemasDir, type AvroField, type AvroRecord, type AvroSchema } from '../avro-schema.ts';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The shared named types, by full name. */
export function loadSharedTypes(dir = path.join(schemasDir, 'avro', 'types')): Map<string, AvroRecord> {
  const types = new Map<string, AvroRecord>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()) {
    const record = readJson<AvroRecord>(path.join(dir, file));
    types.set(fullName(record.name, record.namespace), record);
  }
  return types;
}

/** Replaces the first reference to each shared type with its definition, recursively. */
function inline(schema: AvroSchema, shared: Map<string, AvroRecord>, defined: Set<string>): AvroSchema {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return schema;
    const name = fullName(schema);
    const definition = shared.get(name);
    if (!definition) throw new Error(`unknown Avro type ${schema}: add schemas/avro/types/${schema}.avsc`);
    if (defined.has(name)) return schema;
    defined.add(name);
    return inline(structuredClone(definition) as unknown as AvroSchema, shared, defined);
  }
  if (Array.isArray(schema)) return schema.map((branch) => inline(branch, shared, defined));
  switch (schema.type) {
    case 'record': {
      const record = schema as unknown as AvroRecord;
      defined.add(fullName(record.name, record.namespace));
      return { ...record, fields: record.fields.map((f) => ({ ...f, type: inline(f.type, shared, defined) })) };
    }
    case 'map':
      return { ...schema, values: inline(schema.values as AvroSchema, shared, defined) };
    case 'array':
      return { ...schema, items: inline(schema.items as AvroSchema, shared, defined) };
    default:
      return schema;
  }
}

const UNMAPPED: AvroField = {
  name: '_unmapped',
  type: ['null', 'string'],
  default: null,
  doc: 'JSON object text of the top-level members that no field above holds. Null when there are none.',
};

export function assembleTrigger(trigger: string, shared = loadSharedTypes()): AvroRecord {
  const envelope = readJson<AvroRecord>(path.join(schemasDir, 'avro', 'envelope.avsc'));
  const own = readJson<AvroRecord>(path.join(schemasDir, 'avro', 'triggers', `${trigger}.avsc`));
  const record: AvroRecord = {
    type: 'record',
    name: own.name,
    namespace: own.namespace ?? NAMESPACE,
    ...(own.doc === undefined ? {} : { doc: own.doc }),
    fields: [...envelope.fields, ...own.fields, UNMAPPED],
  };
  return inline(record as unknown as AvroSchema, shared, new Set()) as unknown as AvroRecord;
}

/** Pretty JSON that keeps short values (a field's union, a small map type) on one line. */
export function formatSchema(record: AvroRecord): string {
  const format = (value: unknown, indent: string): string => {
    const compact = JSON.stringify(value);
    if (typeof value !== 'object' || value === null || compact.length + indent.length <= 110) return compact;
    const inner = `${indent}  `;
    if (Array.isArray(value)) return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  };
  return `${format(record, '')}\n`;
}

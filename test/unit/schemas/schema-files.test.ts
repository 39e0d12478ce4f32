// The schema files themselves: committed output matches the sources, every schema stands
// alone, and the documentation the contract promises is there.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { registeredSchemaFile, schemasDir, type AvroField, type AvroRecord } from '../../../schemas/avro-schema.ts';
import { assembleTrigger, formatSchema, loadSharedTypes } from '../../../schemas/build/assemble.ts';
import { TRIGGERS } from '../../../schemas/catalog.ts';
import { generateTypes } from '../../../schemas/build/typescript.ts';
import path from 'node:path';

const triggers = [...TRIGGERS.keys()];
const registered = (trigger: string) => JSON.parse(readFileSync(registeredSchemaFile(trigger), 'utf8')) as AvroRecord;

/** Every record definition inside a schema. */
function records(schema: unknown, out: AvroRecord[] = []): AvroRecord[] {
  if (Array.isArray(schema)) for (const s of schema) records(s, out);
  else if (schema && typeof schema === 'object') {
    const s = schema as Record<string, unknown>;
    if (s.type === 'record') {
      out.push(s as unknown as AvroRecord);
      for (const f of s.fields as AvroField[]) records(f.type, out);
    } else {
      records(s.type, out);
      records(s.items, out);
      records(s.values, out);
    }
  }
  return out;
}

describe('schemas/registered', () => {
  it.each(triggers)('%s: the committed file is what the sources assemble to (run npm run schemas:build if not)', (trigger) => {
    expect(readFileSync(registeredSchemaFile(trigger), 'utf8')).toBe(formatSchema(assembleTrigger(trigger, loadSharedTypes())));
  });

  it('schemas/records.ts holds the types of exactly these schemas (run npm run schemas:build if not)', () => {
    expect(readFileSync(path.join(schemasDir, 'records.ts'), 'utf8')).toBe(generateTypes(triggers.map(registered)));
  });

  it.each(triggers)('%s: parses on its own (self-contained, no references)', (trigger) => {
    expect(() => avro.Type.forSchema(registered(trigger) as unknown as avro.Schema, { registry: {} })).not.toThrow();
  });

  it('each trigger has its own record name, as its catalogue entry says', () => {
    const names = triggers.map((t) => `${registered(t).namespace}.${registered(t).name}`);
    expect(names).toEqual(triggers.map((t) => TRIGGERS.get(t)!.recordName));
    expect(new Set(names).size).toBe(TRIGGERS.size);
  });

  it('every record has a doc and a _unmapped field', () => {
    for (const trigger of triggers) {
      for (const record of records(registered(trigger))) {
        expect(record.doc, `${record.name} doc`).toBeTruthy();
        expect(
          record.fields.map((f) => f.name),
          `${record.name} fields`,
        ).toContain('_unmapped');
      }
    }
  });

  it('every timestamp states its unit in its doc', () => {
    for (const trigger of triggers) {
      for (const record of records(registered(trigger))) {
        for (const field of record.fields.filter((f) => /(At|_at|timestamp|uts)$/.test(f.name))) {
          expect(String(field.doc), `${record.name}.${field.name}`).toMatch(/seconds|MILLISECONDS|milliseconds/);
        }
      }
    }
  });

  it('no enums: values CometChat controls are strings, so a new value never breaks ingestion', () => {
    for (const trigger of triggers) expect(readFileSync(registeredSchemaFile(trigger), 'utf8')).not.toMatch(/"type":\s*"enum"/);
  });
});

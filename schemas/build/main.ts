// npm run schemas:build — writes the self-contained schema of every trigger to registered/.
// Those files are what gets registered; a unit test fails when they lag behind the sources.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registeredSchemaFile, schemasDir } from '../avro-schema.ts';
import { TRIGGERS } from '../catalog.ts';
import { assembleTrigger, formatSchema, loadSharedTypes } from './assemble.ts';
import { generateTypes } from './typescript.ts';

const shared = loadSharedTypes();
const schemas = [...TRIGGERS.keys()].map((trigger) => {
  const schema = assembleTrigger(trigger, shared);
  const file = registeredSchemaFile(trigger);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, formatSchema(schema));
  return schema;
});
writeFileSync(path.join(schemasDir, 'records.ts'), generateTypes(schemas));
process.stdout.write(`wrote ${schemas.length} schemas to ${path.dirname(registeredSchemaFile('x'))} and their types to schemas/records.ts\n`);

// npm run schemas:build — writes the self-contained schema of every trigger to registered/.
// Those files are what gets registered; a unit test fails when they lag behind the sources.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assembleTrigger, formatSchema, loadSharedTypes, registeredSchemaFile } from './assemble.ts';
import { TRIGGERS } from './catalog.ts';

const shared = loadSharedTypes();
for (const trigger of TRIGGERS.keys()) {
  const file = registeredSchemaFile(trigger);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, formatSchema(assembleTrigger(trigger, shared)));
}
process.stdout.write(`wrote ${TRIGGERS.size} schemas to ${path.dirname(registeredSchemaFile('x'))}\n`);

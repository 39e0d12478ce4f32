// The documented example payload of every trigger (schemas/examples), read fresh
// for each call so a test can change its copy in one place.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../stack/settings.ts';
import type { JsonObject } from '../../schemas/json-path.ts';

export const payloadDir = path.join(projectRoot, 'schemas', 'examples');

export const documentedTriggers: readonly string[] = readdirSync(payloadDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

export function documented(trigger: string): JsonObject {
  return JSON.parse(readFileSync(path.join(payloadDir, `${trigger}.json`), 'utf8')) as JsonObject;
}

/** The examples of triggers documented beyond the webhook reference (schemas/examples/extra): file names start with the trigger. */
export const extraDir = path.join(payloadDir, 'extra');
export const extraExamples: readonly { readonly name: string; readonly trigger: string }[] = readdirSync(extraDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.slice(0, -'.json'.length), trigger: f.slice(0, f.indexOf('.')) }));

export function extra(name: string): JsonObject {
  return JSON.parse(readFileSync(path.join(extraDir, `${name}.json`), 'utf8')) as JsonObject;
}

/** An example of any trigger in the catalogue: its documented one, else its first extra one. */
export function example(trigger: string): JsonObject {
  if (documentedTriggers.includes(trigger)) return documented(trigger);
  const found = extraExamples.find((e) => e.trigger === trigger);
  if (!found) throw new Error(`no example of ${trigger} in schemas/examples`);
  return extra(found.name);
}

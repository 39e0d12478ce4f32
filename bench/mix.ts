// The benchmark's request mix: mostly message_sent and receipts, a tail of every other
// documented trigger, from the documented examples. Each body gets its own webhook id, which is part of
// every event id, so no request is a duplicate of another.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TRIGGERS } from '../schemas/catalog.ts';
import { projectRoot } from '../stack/settings.ts';

const WEIGHTS: Record<string, number> = { message_sent: 45, message_delivery_receipt: 20, message_read_receipt: 20 };

/** Triggers in the mix's proportions, 100 slots. */
export function mixTriggers(): string[] {
  // The triggers of CometChat's webhook reference (schemas/examples), as before the catalogue grew.
  const others = [...TRIGGERS.keys()].filter((t) => !(t in WEIGHTS) && existsSync(path.join(projectRoot, 'schemas', 'examples', `${t}.json`)));
  const slots: string[] = [];
  for (const [trigger, weight] of Object.entries(WEIGHTS)) for (let i = 0; i < weight; i++) slots.push(trigger);
  for (let i = 0; slots.length < 100; i++) slots.push(others[i % others.length]!);
  return slots;
}

const templates = new Map<string, string>();
function template(trigger: string): string {
  let text = templates.get(trigger);
  if (!text) {
    text = JSON.stringify(JSON.parse(readFileSync(path.join(projectRoot, 'schemas', 'examples', `${trigger}.json`), 'utf8')));
    templates.set(trigger, text);
  }
  return text;
}

/** The documented examples' webhook id, which each bench body replaces with one of its own. */
const WEBHOOK_ID = '"webhook":"<webhookID>"';

/** Body number `n` of the mix, unique by its webhook id. */
export function benchBody(n: number, run: string, slots = mixTriggers()): string {
  return template(slots[n % slots.length]!).replace(WEBHOOK_ID, `"webhook":"${run}-${n}"`);
}

/** The mix's 100 bodies with `<id>` for the webhook id, for a generator that fills it in. */
export function benchTemplates(slots = mixTriggers()): string[] {
  return slots.map((trigger) => template(trigger).replace(WEBHOOK_ID, '"webhook":"<id>"'));
}

export function benchBodies(count: number, run: string): string[] {
  const slots = mixTriggers();
  return Array.from({ length: count }, (_, n) => benchBody(n, run, slots));
}

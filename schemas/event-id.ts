// Deterministic event ids: a redelivered webhook must get the id it got the first time, so the
// id is a name-based UUID (RFC 9562 version 5) of what identifies the event, never random.
import { hash } from 'node:crypto';
import { isJsonObject } from './json-path.ts';

/** This project's UUID namespace for CometChat events (fixed forever: changing it changes every id). */
export const EVENT_ID_NAMESPACE = '5f0b7d2e-3c1a-4e8b-9a6d-2b7e4f1c8d90';

const namespaceBytes = Buffer.from(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');

export function uuidV5(name: string): string {
  // One-shot hashing: several times cheaper per event than a createHash() stream.
  const digest = hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(name, 'utf8')]), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON text with object keys sorted at every depth: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

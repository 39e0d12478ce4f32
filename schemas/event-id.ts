// Deterministic event ids: a redelivered webhook must get the id it got the first time, so the
// id is a name-based UUID (RFC 9562 version 5) of what identifies the event, never random.
import { hash } from 'node:crypto';
import { isJsonObject } from './json-path.ts';

/** This project's UUID namespace for CometChat events (fixed forever: changing it changes every id). */
export const EVENT_ID_NAMESPACE = '5f0b7d2e-3c1a-4e8b-9a6d-2b7e4f1c8d90';

const namespaceBytes = Buffer.from(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
// Reused on every call (it is synchronous): the namespace followed by the name, and the text.
const input = Buffer.allocUnsafe(16 + 4096);
namespaceBytes.copy(input, 0);
const text = Buffer.allocUnsafe(36);

export function uuidV5(name: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short names are encoded in place.
  const data =
    name.length * 3 <= input.length - 16 ? input.subarray(0, 16 + input.write(name, 16, 'utf8')) : Buffer.concat([namespaceBytes, Buffer.from(name, 'utf8')]);
  const digest = hash('sha1', data, 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 9562 variant
  // 8-4-4-4-12 lowercase hex, written as bytes and read back as one flat string.
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d;
    text[at++] = HEX_DIGITS[digest[i]! >> 4]!;
    text[at++] = HEX_DIGITS[digest[i]! & 0x0f]!;
  }
  return text.toString('latin1', 0, 36);
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

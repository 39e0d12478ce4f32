// patches/apply.mjs: kafkajs's Encoder takes pooled, unzeroed buffers. Installed: the patch is in
// place and records still encode to exactly what they hold. The script itself: applies once,
// leaves other text alone.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript, no types
import { applyPatches } from '../../../patches/apply.mjs';

const require = createRequire(import.meta.url);
const kafkajsRoot = path.dirname(require.resolve('kafkajs/package.json'));
const Record = require(path.join(kafkajsRoot, 'src/protocol/recordBatch/record/v0/index.js'));
const decodeRecord = require(path.join(kafkajsRoot, 'src/protocol/recordBatch/record/v0/decoder.js'));
const Decoder = require(path.join(kafkajsRoot, 'src/protocol/decoder.js'));

describe('the kafkajs Encoder patch', () => {
  it('installed (npm ran postinstall) → kafkajs allocates its encoding buffers unzeroed', () => {
    expect(applyPatches()).toEqual(['kafkajs@2.2.4: src/protocol/encoder.js already patched']);
    expect(readFileSync(path.join(kafkajsRoot, 'src/protocol/encoder.js'), 'utf8')).not.toMatch(/Buffer\.alloc\(/);
  });

  it('any record (sizes across buffer growth, many headers) → encodes to bytes that decode to it exactly', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    const record = fc.record({
      key: fc.oneof(text, fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b))),
      value: fc.uint8Array({ maxLength: 5000 }).map((b) => Buffer.from(b)),
      // Header names like ours (kafkajs's decoder builds a plain object: no "valueOf" or "__proto__").
      headers: fc.dictionary(fc.stringMatching(/^ce_[a-z]{1,16}$/), text, { maxKeys: 12 }),
    });
    fc.assert(
      fc.property(record, ({ key, value, headers }) => {
        // Dirty the pool first, so unzeroed memory would show if anything unwritten were sent.
        Buffer.allocUnsafe(4000).fill(0xa5);
        const bytes: Buffer = Record({ key, value, headers }).buffer;
        const decoder = new Decoder(bytes);
        const length = decoder.readVarInt();
        expect(length).toBe(bytes.length - decoder.offset);
        const decoded = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0', magicByte: 2 });
        expect(decoded.key).toEqual(Buffer.from(key));
        expect(decoded.value).toEqual(value);
        expect(Object.fromEntries(Object.entries(decoded.headers as Record<string, Buffer>).map(([k, v]) => [k, v.toString()]))).toEqual(headers);
      }),
      { numRuns: 300 },
    );
  });

  it('the script on a pristine copy → patched once, then "already patched"; on changed text → a warning, file untouched', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'patch-'));
    const pkg = path.join(dir, 'kafkajs');
    mkdirSync(path.join(pkg, 'src/protocol'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'kafkajs', version: '2.2.4' }));
    const file = path.join(pkg, 'src/protocol/encoder.js');
    const pristine = readFileSync(path.join(kafkajsRoot, 'src/protocol/encoder.js'), 'utf8').replaceAll('Buffer.allocUnsafe(', 'Buffer.alloc(');
    writeFileSync(file, pristine);
    const resolve = () => path.join(pkg, 'package.json');
    expect(applyPatches(resolve)).toEqual(['kafkajs@2.2.4: src/protocol/encoder.js patched']);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(path.join(kafkajsRoot, 'src/protocol/encoder.js'), 'utf8'));
    expect(applyPatches(resolve)).toEqual(['kafkajs@2.2.4: src/protocol/encoder.js already patched']);

    writeFileSync(file, 'module.exports = class Encoder {}');
    expect(applyPatches(resolve)[0]).toMatch(/WARNING .* not applied/);
    expect(readFileSync(file, 'utf8')).toBe('module.exports = class Encoder {}');
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'kafkajs', version: '2.3.0' }));
    expect(applyPatches(resolve)[0]).toMatch(/kafkajs@2\.3\.0: WARNING patch written for 2\.2\.4/);
  });
});

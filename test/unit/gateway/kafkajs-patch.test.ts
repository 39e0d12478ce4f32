// patches/kafkajs+2.2.4.patch, applied by patch-package after every install: kafkajs's Encoder
// takes pooled, unzeroed buffers, and its request queue never asks for a negative timeout.
// Installed: both are in place, records still encode to exactly what they hold, and no
// TimeoutNegativeWarning is printed.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const kafkajsRoot = path.dirname(require.resolve('kafkajs/package.json'));
const Record = require(path.join(kafkajsRoot, 'src/protocol/recordBatch/record/v0/index.js'));
const decodeRecord = require(path.join(kafkajsRoot, 'src/protocol/recordBatch/record/v0/decoder.js'));
const Decoder = require(path.join(kafkajsRoot, 'src/protocol/decoder.js'));
const RequestQueue = require(path.join(kafkajsRoot, 'src/network/requestQueue/index.js'));

describe('the kafkajs patch', () => {
  it('installed (npm ran postinstall) → kafkajs allocates its encoding buffers unzeroed', () => {
    expect(readFileSync(path.join(kafkajsRoot, 'src/protocol/encoder.js'), 'utf8')).not.toMatch(/Buffer\.alloc\(/);
  });

  it('any record (sizes across buffer growth, many headers) → encodes to bytes that decode to it exactly', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    const record = fc.record({
      key: fc.oneof(
        text,
        fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      ),
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

  it('an idle request queue (nothing pending, never throttled) → schedules its check without a negative delay', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const queue = new RequestQueue({
      maxInFlightRequests: 1,
      requestTimeout: 1000,
      enforceRequestTimeout: false,
      clientId: 'test',
      broker: 'none',
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    queue.scheduleCheckPendingRequests();
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('warning', onWarning);
    clearTimeout(queue.throttleCheckTimeoutId);
    expect(warnings).not.toContain('TimeoutNegativeWarning');
  });
});

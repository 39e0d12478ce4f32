// patches/kafkajs+2.2.4.patch, applied by patch-package after every install: kafkajs's Encoder
// takes pooled, unzeroed buffers and writes varints in place, its murmur2 hashes with 32-bit
// integers instead of BigInt-backed Longs, and its request queue never asks for a negative
// timeout. Installed: records still encode to exactly what they hold, varints round-trip, keys
// hash as Kafka's Java client hashes them, and no TimeoutNegativeWarning is printed.
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
const Encoder = require(path.join(kafkajsRoot, 'src/protocol/encoder.js'));
const murmur2: (key: string | Buffer) => number = require(path.join(kafkajsRoot, 'src/producer/partitioners/default/murmur2.js'));

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils), step by step in BigInt truncated to Java's int. */
function javaMurmur2(data: Buffer): number {
  const int = (v: bigint) => BigInt.asIntN(32, v);
  const ushr = (v: bigint, bits: bigint) => BigInt.asUintN(32, v) >> bits;
  const m = 0x5bd1e995n;
  let h = int(0x9747b28cn ^ BigInt(data.length));
  const length4 = Math.floor(data.length / 4);
  for (let i = 0; i < length4; i++) {
    let k = int(BigInt(data[4 * i]!) + (BigInt(data[4 * i + 1]!) << 8n) + (BigInt(data[4 * i + 2]!) << 16n) + (BigInt(data[4 * i + 3]!) << 24n));
    k = int(k * m);
    k = int(k ^ ushr(k, 24n));
    k = int(k * m);
    h = int(int(h * m) ^ k);
  }
  const tail = data.length & ~3;
  // Java's switch falls through from case 3 to case 1: each remaining byte, highest first.
  const rest = data.length % 4;
  if (rest >= 3) h = int(h ^ (BigInt(data[tail + 2]!) << 16n));
  if (rest >= 2) h = int(h ^ (BigInt(data[tail + 1]!) << 8n));
  if (rest >= 1) {
    h = int(h ^ BigInt(data[tail]!));
    h = int(h * m);
  }
  h = int(h ^ ushr(h, 13n));
  h = int(h * m);
  h = int(h ^ ushr(h, 15n));
  return Number(h);
}
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

  it('any 32-bit integer → a varint written in place that decodes to it, as long as sizeOfVarInt says', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 200 }), (values) => {
        // A small initial size, so the writes also cross the buffer's growth.
        const encoder = new Encoder(1);
        for (const v of values) encoder.writeVarInt(v);
        expect(encoder.size()).toBe(values.reduce((sum, v) => sum + Encoder.sizeOfVarInt(v), 0));
        const decoder = new Decoder(encoder.buffer);
        expect(values.map(() => decoder.readVarInt())).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it("Kafka's own murmur2 test vectors (UtilsTest) → the same hashes", () => {
    const cases: [string | Buffer, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      [Buffer.from('abc'), 479470107],
    ];
    expect(cases.map(([key]) => murmur2(key))).toEqual(cases.map(([, hash]) => hash));
  });

  it('any key (bytes of every length, text beyond ASCII) → the hash of Java int arithmetic, so partitions match Java clients', () => {
    const key = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
    );
    fc.assert(
      fc.property(key, (k) => {
        expect(murmur2(k)).toBe(javaMurmur2(Buffer.isBuffer(k) ? k : Buffer.from(k)));
      }),
      { numRuns: 2000 },
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

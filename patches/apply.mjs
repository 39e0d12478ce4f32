// Local patches to installed dependencies, applied after every `npm install`/`npm ci` (the
// postinstall script). Each names the exact package version and the exact text it replaces;
// anything else is left alone with a warning, so an upgrade never runs half-patched code.
// Re-running is harmless. Without it (npm --ignore-scripts) everything works, only slower.
// Plain JavaScript: npm may run it on whichever Node is on PATH.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const PATCHES = [
  {
    package: 'kafkajs',
    version: '2.2.4',
    file: 'src/protocol/encoder.js',
    // kafkajs builds every record and every record header with its own Encoder, each starting
    // with a zero-filled 512-byte buffer: Buffer.alloc creates a fresh ArrayBuffer every time
    // (about 1.2 µs; eight per gateway record). allocUnsafe takes pooled memory. An Encoder only
    // ever hands out the bytes it wrote (buf.slice(0, offset)), so nothing unwritten is sent.
    // Measured: the Kafka ceiling (bench/kafka-ceiling.ts) from ~17,200 to ~21,400 records/s.
    replacements: [
      ['this.buf = Buffer.alloc(Encoder.nextPowerOfTwo(initialSize))', 'this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize))'],
      ['const newBuffer = Buffer.alloc(newLength)', 'const newBuffer = Buffer.allocUnsafe(newLength)'],
    ],
  },
];

/** Applies every patch; returns one line per patch saying what happened. */
export function applyPatches(resolve = (request) => require.resolve(request)) {
  return PATCHES.map((patch) => {
    let root;
    try {
      root = path.dirname(resolve(`${patch.package}/package.json`));
    } catch {
      return `${patch.package}: not installed, nothing to patch`;
    }
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    if (version !== patch.version) return `${patch.package}@${version}: WARNING patch written for ${patch.version}, not applied; re-measure and update patches/apply.mjs`;
    const file = path.join(root, patch.file);
    let text = readFileSync(file, 'utf8');
    const done = [];
    for (const [from, to] of patch.replacements) {
      if (text.includes(to)) continue;
      if (!text.includes(from)) return `${patch.package}@${version}: WARNING ${patch.file} does not contain the text to replace, not applied`;
      text = text.replace(from, to);
      done.push(to);
    }
    if (done.length > 0) writeFileSync(file, text);
    return `${patch.package}@${version}: ${patch.file} ${done.length > 0 ? 'patched' : 'already patched'}`;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  for (const line of applyPatches()) process.stderr.write(`patches: ${line}\n`);
}

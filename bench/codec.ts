// npm run bench:codec [-- --seconds 5] — how many events one core converts and encodes.
// A realistic mix of the documented payloads (mostly message_sent and receipts, a tail of every
// other trigger), each with its own ids. Reports events/s for
//   convert+encode: parsed JSON → Avro record → Confluent wire bytes (what the codec adds), and
//   parse+convert+encode: from the request body text (what the gateway's hot path does).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCli } from '../common/cli-args.ts';
import { loadContract } from '../schemas/contract.ts';
import { TRIGGERS } from '../schemas/catalog.ts';
import { projectRoot } from '../stack/settings.ts';

const { values } = parseCli(
  'usage: npm run bench:codec -- [--seconds 5]\nEvents per second one core converts and encodes, on a mix of the documented payloads.\n',
  {
    seconds: { type: 'string', default: '5' },
  },
);
const seconds = Number(values.seconds);

const payloadDir = path.join(projectRoot, 'schemas', 'examples');
const weights: Record<string, number> = { message_sent: 45, message_delivery_receipt: 20, message_read_receipt: 20 };
const others = [...TRIGGERS.keys()].filter((t) => !(t in weights));
for (const t of others) weights[t] = 15 / others.length;

// About 1,000 bodies in the mix's proportions, ids made unique so every event id is computed afresh.
const bodies: string[] = [];
for (const [trigger, weight] of Object.entries(weights)) {
  const text = readFileSync(path.join(payloadDir, `${trigger}.json`), 'utf8');
  const copies = Math.max(1, Math.round(weight * 10));
  for (let c = 0; c < copies; c++) bodies.push(text.replaceAll('"1"', `"${c + 1}"`).replaceAll('<sessionId>', `session-${c}`));
}
const triggers = Object.keys(weights);

const contract = loadContract();
const parsed = bodies.map((b) => JSON.parse(b) as unknown);

function measure(label: string, work: (i: number) => Buffer): { label: string; eventsPerSecond: number } {
  for (let i = 0; i < 20_000; i++) work(i % bodies.length); // warm-up: JIT and caches
  let n = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    for (let k = 0; k < 1000; k++, n++) bytes += work(n % bodies.length).length;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const eventsPerSecond = Math.round(n / elapsed);
  process.stdout.write(
    `${label.padEnd(24)} ${eventsPerSecond.toLocaleString('en')} events/s on one core (${n.toLocaleString('en')} events, avg ${Math.round(bytes / n)} B encoded)\n`,
  );
  return { label, eventsPerSecond };
}

const receivedAt = Date.now();
process.stdout.write(`codec benchmark: ${bodies.length} bodies, ${triggers.length} triggers, node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}\n`);
const results = [
  measure('convert+encode', (i) => {
    const event = contract.convert(parsed[i], receivedAt);
    return contract.encode(event.codec, event.record, 1);
  }),
  measure('parse+convert+encode', (i) => {
    const event = contract.convert(JSON.parse(bodies[i]!), receivedAt);
    return contract.encode(event.codec, event.record, 1);
  }),
];
process.stdout.write(`${JSON.stringify({ benchmark: 'codec', seconds, results })}\n`);

// npm run send -- <trigger | file.json> [--url URL] [--user U] [--password P]
// Posts a documented example (schemas/examples/<trigger>.json) or a JSON file of your own to a
// gateway, as CometChat would, and prints the answer. Credentials default to WEBHOOK_USERNAME
// and WEBHOOK_PASSWORD from the environment.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCli } from '../common/cli-args.ts';
import { projectRoot } from './settings.ts';

const USAGE = `usage: npm run send -- <trigger | file.json> [--url URL] [--user U --password P]

Posts a documented example (schemas/examples/<trigger>.json) or a JSON file of your own to a
gateway, as CometChat would, and prints the answer.

  --url URL        the webhook URL (GATEWAY_URL; default http://127.0.0.1:8080/webhooks/cometchat)
  --user U         Basic user name (default WEBHOOK_USERNAME)
  --password P     Basic password (default WEBHOOK_PASSWORD)
  -h, --help       this text
`;

const { values, positionals } = parseCli(
  USAGE,
  {
    url: { type: 'string', default: process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080/webhooks/cometchat' },
    user: { type: 'string', default: process.env.WEBHOOK_USERNAME },
    password: { type: 'string', default: process.env.WEBHOOK_PASSWORD },
  },
  { allowPositionals: true },
);

const what = positionals[0];
if (!what) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const example = path.join(projectRoot, 'schemas', 'examples', `${what}.json`);
const file = existsSync(what) ? what : example;
if (!existsSync(file)) {
  process.stderr.write(`no file ${what} and no documented example ${path.relative(process.cwd(), example)}\n`);
  process.exit(2);
}
const body = readFileSync(file, 'utf8');
const headers: Record<string, string> = { 'content-type': 'application/json' };
if (values.user !== undefined && values.password !== undefined) {
  headers.authorization = `Basic ${Buffer.from(`${values.user}:${values.password}`).toString('base64')}`;
}

const started = performance.now();
try {
  const res = await fetch(values.url!, { method: 'POST', headers, body });
  const text = await res.text();
  process.stdout.write(
    `${res.status} ${res.statusText} in ${Math.round(performance.now() - started)} ms (request id ${res.headers.get('x-request-id') ?? '-'})\n${text}\n`,
  );
  process.exitCode = res.ok ? 0 : 1;
} catch (err) {
  process.stderr.write(
    `could not reach ${values.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}\n`,
  );
  process.exitCode = 1;
}

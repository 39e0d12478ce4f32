// npm run dev — everything a newcomer needs running, in one command: the local stack, then a
// gateway on it (port 8080, or PORT) with credentials printed once, and the five sample
// consumers writing to .data/<category>.sqlite. Logs are readable lines on a terminal and JSON
// elsewhere (LOG_FORMAT overrides). Ctrl-C stops the gateway and the consumers; the stack keeps
// running for the next start, and the last line says how to stop it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CATEGORIES } from '../schemas/catalog.ts';
import { projectRoot, stackSettings } from './settings.ts';
import { up } from './stack.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`usage: npm run dev
Starts the local Kafka and schema registry (unless they run), a gateway on PORT (default 8080)
and the five sample consumers, with their logs in this terminal. WEBHOOK_USERNAME and
WEBHOOK_PASSWORD set the gateway's credentials (default: cometchat and a fresh password).
Ctrl-C stops the gateway and the consumers; npm run stack:down stops the stack.
`);
  process.exit(0);
}

const report = (message: string): void => {
  process.stderr.write(`dev: ${message}\n`);
};

const settings = stackSettings();
const { env } = await up(settings, report);
const username = process.env.WEBHOOK_USERNAME ?? 'cometchat';
const password = process.env.WEBHOOK_PASSWORD ?? randomBytes(18).toString('base64url');
const port = process.env.PORT ?? '8080';
const dataDir = path.join(projectRoot, '.data');
report(`gateway on http://127.0.0.1:${port}/webhooks/cometchat, Basic credentials ${username} / ${password}`);
report(`try: npm run send -- message_sent --user ${username} --password ${password}`);
report(`sample consumers write to ${dataDir}/<category>.sqlite`);

const run = (script: string, args: string[], extra: Record<string, string>): ChildProcess =>
  spawn(process.execPath, [path.join(projectRoot, script), ...args], { stdio: 'inherit', env: { ...process.env, ...env, ...extra } });

const children = [
  run('gateway/main.ts', [], { WEBHOOK_USERNAME: username, WEBHOOK_PASSWORD: password, PORT: port }),
  ...CATEGORIES.map((category) => run('consumers/main.ts', [category], { DATA_DIR: dataDir })),
];
const running = new Set(children);

function stopAll(): void {
  for (const child of running) child.kill('SIGTERM');
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stopAll);
for (const child of children) {
  child.on('exit', (code) => {
    running.delete(child);
    // One program gone (the gateway failing to start, say) ends the session for all of them.
    if (code !== 0 && code !== null) process.exitCode = code;
    stopAll();
    if (running.size === 0) {
      report(
        `stopped the gateway and the consumers; Kafka (${env.KAFKA_BROKERS}) and the registry are still running for the next start: npm run stack:down stops them`,
      );
    }
  });
}

// npm run dev — everything a newcomer needs running, in one command: the local stack, then a
// gateway on it (port 8080, or PORT) with fresh credentials printed once, and the five sample
// consumers writing to .data/<category>.sqlite. Ctrl-C stops gateway and consumers; the stack
// stays up (npm run stack:down stops it).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { projectRoot, stackSettings } from './settings.ts';
import { up } from './stack.ts';
import { CATEGORIES } from '../schemas/catalog.ts';

const report = (message: string): void => {
  process.stderr.write(`dev: ${message}\n`);
};

const { env } = await up(stackSettings(), report);
const username = process.env.WEBHOOK_USERNAME ?? 'cometchat';
const password = process.env.WEBHOOK_PASSWORD ?? randomBytes(18).toString('base64url');
const port = process.env.PORT ?? '8080';
report(`gateway on http://127.0.0.1:${port}/webhooks/cometchat, Basic credentials ${username} / ${password}`);
report(`try: npm run send -- message_sent --user ${username} --password ${password}`);

const run = (script: string, args: string[], extra: Record<string, string>) =>
  spawn(process.execPath, [path.join(projectRoot, script), ...args], { stdio: 'inherit', env: { ...process.env, ...env, ...extra } });

const gateway = run('gateway/main.ts', [], { WEBHOOK_USERNAME: username, WEBHOOK_PASSWORD: password, PORT: port });
const consumers = CATEGORIES.map((category) => run('consumers/main.ts', [category], { DATA_DIR: path.join(projectRoot, '.data') }));
report(`sample consumers write to ${path.join(projectRoot, '.data')}/<category>.sqlite`);
const children = [gateway, ...consumers];
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => children.forEach((c) => c.kill('SIGTERM')));
gateway.on('exit', (code) => {
  consumers.forEach((c) => c.kill('SIGTERM'));
  process.exitCode = code ?? 0;
});

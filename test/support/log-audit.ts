// Every gateway a test run starts writes its log to one directory, and the secrets it was
// configured with to another file there; when the run ends, the global teardown reads them all
// and fails the run if any log line holds any secret (or its Basic encoding).
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIR_VARIABLE = 'GATEWAY_TEST_LOG_DIR';

/** Called by the global setup: a fresh directory for this run, passed to the test workers. */
export function prepareLogAudit(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-logs-'));
  process.env[DIR_VARIABLE] = dir;
  return dir;
}

/** Called for each test gateway: where to append its log lines, after its secrets are noted. */
export function auditedLogFile(name: string, secrets: readonly string[]): string | undefined {
  const dir = process.env[DIR_VARIABLE];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, 'secrets'), secrets.map((s) => `${Buffer.from(s).toString('base64')}\n`).join(''));
  return path.join(dir, `${name}.log`);
}

export interface AuditResult {
  readonly files: number;
  readonly lines: number;
  readonly secrets: number;
  readonly leaks: readonly string[];
}

/** Scans every log of the run for every secret, as given and as Basic credentials would carry it. */
export function auditLogs(dir: string): AuditResult {
  const secretsFile = path.join(dir, 'secrets');
  const secrets = readdirSync(dir).includes('secrets')
    ? [...new Set(readFileSync(secretsFile, 'utf8').split('\n').filter(Boolean))].map((b) => Buffer.from(b, 'base64').toString())
    : [];
  const needles = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64')]);
  const leaks: string[] = [];
  let files = 0;
  let lines = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    files++;
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      lines++;
      if (needles.some((n) => line.includes(n))) leaks.push(`${file}: ${line.slice(0, 200)}`);
    }
  }
  return { files, lines, secrets: secrets.length, leaks };
}

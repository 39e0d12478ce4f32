// The spool's directory at start-up: a gateway that could not keep events durably must not start.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../stack/settings.ts';
import { stackEnv } from '../support/stack-env.ts';

describe('spool directory at start-up', () => {
  it('SPOOL_DIR that cannot be created → exit 2 with a message naming it, before listening', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'spool-start-')), 'not-a-directory');
    writeFileSync(file, '');
    const spoolDir = path.join(file, 'spool');
    const child = spawn(process.execPath, [path.join(projectRoot, 'gateway', 'main.ts')], {
      env: {
        ...process.env,
        ...stackEnv(),
        PORT: '0',
        HOST: '127.0.0.1',
        WEBHOOK_USERNAME: 'u',
        WEBHOOK_PASSWORD: 'p',
        SPOOL_DIR: spoolDir,
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(output).toContain(spoolDir);
    expect(output).toMatch(/SPOOL_DIR/);
    expect(output).not.toMatch(/"msg":"listening"/);
  });
});

// The spool's directory at start-up: a gateway that could not keep events durably must not start.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode } from '../support/run-node.ts';
import { stackEnv } from '../support/stack-env.ts';

describe('spool directory at start-up', () => {
  it('SPOOL_DIR that cannot be created → exit 2 with a message naming it, before listening', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'spool-start-')), 'not-a-directory');
    writeFileSync(file, '');
    const spoolDir = path.join(file, 'spool');
    const run = runNode('gateway/main.ts', [], {
      ...stackEnv(),
      PORT: '0',
      HOST: '127.0.0.1',
      WEBHOOK_USERNAME: 'u',
      WEBHOOK_PASSWORD: 'p',
      SPOOL_DIR: spoolDir,
      LOG_FORMAT: 'json',
    });
    const code = await run.exit;
    const output = run.output();
    expect(code).toBe(2);
    expect(output).toContain(spoolDir);
    expect(output).toMatch(/SPOOL_DIR/);
    expect(output).not.toMatch(/"msg":"listening"/);
  });
});

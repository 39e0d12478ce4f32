import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEnvFile } from '../../../stack/stack.ts';

describe('formatEnvFile', () => {
  const env = { KAFKA_BROKERS: '127.0.0.1:19092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7' };

  it('→ one KEY=value line per setting', () => {
    expect(formatEnvFile(env)).toBe('KAFKA_BROKERS=127.0.0.1:19092\nSCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7\n');
  });

  it('sourced by a shell with `set -a` → both variables exported to a child', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'envfile-')), 'env');
    writeFileSync(file, formatEnvFile(env));
    const out = execFileSync('sh', ['-c', `set -a; . '${file}'; env`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out).toContain('KAFKA_BROKERS=127.0.0.1:19092\n');
    expect(out).toContain('SCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7\n');
  });
});

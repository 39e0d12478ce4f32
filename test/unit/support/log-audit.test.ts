import { appendFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { auditedLogFile, auditLogs, prepareLogAudit } from '../../support/log-audit.ts';

describe('log audit', () => {
  const saved = process.env.GATEWAY_TEST_LOG_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.GATEWAY_TEST_LOG_DIR;
    else process.env.GATEWAY_TEST_LOG_DIR = saved;
  });

  it('a log line holding a secret, or its Basic encoding → reported; clean lines → not', () => {
    const dir = prepareLogAudit();
    const file = auditedLogFile('gw1', ['s3cret-pw', 'user:s3cret-pw'])!;
    appendFileSync(file, '{"msg":"listening"}\n{"msg":"oops","pw":"s3cret-pw"}\n');
    appendFileSync(file, `{"authorization":"Basic ${Buffer.from('user:s3cret-pw').toString('base64')}"}\n`);
    const result = auditLogs(dir);
    expect(result).toMatchObject({ files: 1, lines: 3, secrets: 2 });
    expect(result.leaks).toHaveLength(2);
  });

  it('nothing secret in the logs → no leaks', () => {
    const dir = prepareLogAudit();
    appendFileSync(auditedLogFile('gw2', ['another-pw'])!, '{"msg":"request refused","code":"unauthorized"}\n');
    expect(auditLogs(dir).leaks).toEqual([]);
  });
});

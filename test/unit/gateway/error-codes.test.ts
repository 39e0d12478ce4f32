import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS, GatewayError, refusedBody } from '../../../gateway/errors.ts';
import { ContractError } from '../../../schemas/errors.ts';
import { projectRoot } from '../../../stack/settings.ts';

describe('gateway error catalogue', () => {
  const readme = readFileSync(path.join(projectRoot, 'docs', 'gateway.md'), 'utf8');

  it.each(Object.keys(GATEWAY_ERRORS))('%s → documented in docs/gateway.md with its status', (code) => {
    const status = GATEWAY_ERRORS[code as keyof typeof GATEWAY_ERRORS].status;
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'));
  });

  it('5xx → not exposed, 503 → retriable', () => {
    expect(new GatewayError('internal')).toMatchObject({ expose: false, retriable: false, status: 500 });
    expect(new GatewayError('kafka_unavailable')).toMatchObject({ expose: false, retriable: true, status: 503 });
    expect(new GatewayError('unauthorized')).toMatchObject({ expose: true, retriable: false, status: 401 });
  });

  it('a body the contract refuses → trigger_missing or payload_not_object, with its field paths', () => {
    expect(refusedBody(new ContractError('trigger_missing', 'no trigger', [{ path: '/trigger', problem: 'expected a string' }]))).toMatchObject({
      code: 'trigger_missing',
      status: 400,
      details: { problems: [{ path: '/trigger', problem: 'expected a string' }] },
    });
    expect(refusedBody(new ContractError('payload_not_object', 'not an object'))).toMatchObject({ code: 'payload_not_object', details: undefined });
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asGatewayError, GATEWAY_ERRORS, GatewayError } from '../../../gateway/http/errors.ts';
import { ContractError } from '../../../schemas/errors.ts';
import { projectRoot } from '../../../stack/settings.ts';

describe('gateway error catalogue', () => {
  const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

  it.each(Object.keys(GATEWAY_ERRORS))('%s → documented in the README with its status', (code) => {
    const status = GATEWAY_ERRORS[code as keyof typeof GATEWAY_ERRORS].status;
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'));
  });

  it('5xx → not exposed, 503 → retriable', () => {
    expect(new GatewayError('internal')).toMatchObject({ expose: false, retriable: false, status: 500 });
    expect(new GatewayError('kafka_unavailable')).toMatchObject({ expose: false, retriable: true, status: 503 });
    expect(new GatewayError('unauthorized')).toMatchObject({ expose: true, retriable: false, status: 401 });
  });

  it('body parser and contract errors → their gateway codes', () => {
    expect(asGatewayError(Object.assign(new Error('x'), { status: 413, type: 'entity.too.large' })).code).toBe('payload_too_large');
    expect(asGatewayError(Object.assign(new SyntaxError('x'), { status: 400 })).code).toBe('malformed_json');
    expect(asGatewayError(new ContractError('trigger_missing', 'no trigger')).code).toBe('trigger_missing');
    expect(asGatewayError(new TypeError('bug')).code).toBe('internal');
  });
});

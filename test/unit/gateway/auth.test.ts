import { describe, expect, it } from 'vitest';
import { basicCredentials } from '../../../gateway/http/auth.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('basicCredentials', () => {
  it('a well-formed Basic header → user:password', () => {
    expect(basicCredentials(`Basic ${b64('cc:pw')}`)).toBe('cc:pw');
    expect(basicCredentials(`basic ${b64('cc:pw:with:colons')}`)).toBe('cc:pw:with:colons');
  });

  it('missing, another scheme, not base64, or no colon → undefined', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('')).toBeUndefined();
    expect(basicCredentials(`Bearer ${b64('cc:pw')}`)).toBeUndefined();
    expect(basicCredentials('Basic !!!')).toBeUndefined();
    expect(basicCredentials(`Basic ${b64('nocolon')}`)).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_ERROR_CODES } from '../../../schemas/errors.ts';
import { projectRoot } from '../../../stack/settings.ts';

describe('contract error codes', () => {
  const readme = readFileSync(path.join(projectRoot, 'docs', 'contract.md'), 'utf8');

  it.each(CONTRACT_ERROR_CODES)('%s → documented in docs/contract.md’s table', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });
});

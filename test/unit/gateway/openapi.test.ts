import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS } from '../../../gateway/errors.ts';
import { projectRoot } from '../../../stack/settings.ts';

const doc = JSON.parse(readFileSync(path.join(projectRoot, 'gateway', 'openapi.json'), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } };
};

describe('gateway/openapi.json', () => {
  it('is OpenAPI 3.1 and describes every route the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/metrics', '/openapi.json', '/readyz', '/webhooks/cometchat']);
  });

  it('lists exactly the error catalogue’s codes', () => {
    expect(doc.components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual(Object.keys(GATEWAY_ERRORS).sort());
  });

  it('documents every status the webhook route can answer', () => {
    const statuses = new Set(
      Object.values(GATEWAY_ERRORS)
        .map((e) => String(e.status))
        .filter((s) => s !== '404' && s !== '405'),
    );
    for (const status of statuses) expect(Object.keys(doc.paths['/webhooks/cometchat']!.post!.responses), status).toContain(status);
  });
});

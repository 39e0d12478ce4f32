// The JavaScript the image runs (docker/compile.ts): types stripped in place, so every line and
// column stays where it was; relative .ts imports pointed at the .js files; and the compiled tree
// converts a documented payload to the same bytes as the TypeScript sources.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileModule, compileTree, RUNTIME_FOLDERS } from '../../docker/compile.ts';
import { projectRoot } from '../../stack/settings.ts';
import { contract } from '../support/contract.ts';
import { example } from '../support/payloads.ts';

describe('docker/compile.ts', () => {
  it('strips types without moving code, and points relative .ts imports at .js', () => {
    const source = [
      "import type { Producer } from 'kafkajs';",
      "import { a } from './a.ts';",
      "export * from '../b/c.ts';",
      "import './side-effect.ts';",
      "import { readFileSync } from 'node:fs';",
      "const schema = new URL('./schema.avsc', import.meta.url);",
      'export const load = async (p: Producer | undefined): Promise<number> => (await import("./lazy.ts")).n + a;',
    ].join('\n');
    const js = compileModule(source, 'example.ts');
    const lines = js.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]!.trim()).toBe('');
    expect(lines[1]).toBe("import { a } from './a.js';");
    expect(lines[2]).toBe("export * from '../b/c.js';");
    expect(lines[3]).toBe("import './side-effect.js';");
    expect(lines[4]).toBe("import { readFileSync } from 'node:fs';");
    expect(lines[5]).toBe("const schema = new URL('./schema.avsc', import.meta.url);");
    expect(lines[6]).toContain('(await import("./lazy.js")).n + a');
    // Same column as in the source: stack traces point at the TypeScript.
    expect(lines[6]!.indexOf('await import')).toBe(source.split('\n')[6]!.indexOf('await import'));
  });

  it('a syntax Node cannot strip → an error naming the file', () => {
    expect(() => compileModule('enum Colour { Red }', 'schemas/colour.ts')).toThrow(/^schemas\/colour\.ts: Node cannot strip its types/);
  });

  // Inside the project (.scratch is not in git), so that the compiled modules find node_modules.
  mkdirSync(path.join(projectRoot, '.scratch'), { recursive: true });
  const out = mkdtempSync(path.join(projectRoot, '.scratch', 'compile-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the compiled tree: a .js for every .ts, the other files copied, and it encodes a payload to the sources’ bytes', () => {
    const modules = compileTree(projectRoot, out);
    const count = (dir: string, suffix: string): number =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix) && !f.includes('node_modules')).length;
    const sources = RUNTIME_FOLDERS.reduce((n, folder) => n + count(path.join(projectRoot, folder), '.ts'), 0);
    expect(modules).toBe(sources);
    expect(RUNTIME_FOLDERS.reduce((n, folder) => n + count(path.join(out, folder), '.js'), 0)).toBe(sources);
    expect(existsSync(path.join(out, 'gateway', 'openapi.json'))).toBe(true);

    const payload = example('message_sent');
    const converted = contract().convert(payload, 0);
    const expected = contract().encode(converted.codec, converted.record, 7).toString('base64');
    // A separate Node process that imports only the compiled tree.
    const script = `const { loadContract } = await import(${JSON.stringify(path.join(out, 'schemas', 'contract.js'))});
      const c = loadContract(); const e = c.convert(JSON.parse(process.argv[1]), 0);
      process.stdout.write(c.encode(e.codec, e.record, 7).toString('base64'));`;
    const actual = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(payload)], { encoding: 'utf8' });
    expect(actual).toBe(expected);
  });
});

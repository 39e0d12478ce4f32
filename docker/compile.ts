// The JavaScript the image runs: every .ts file of the runtime folders with its types stripped
// by Node (stripped, not transformed: each line and column stays where it was, so stack traces
// point at the sources) and its relative imports of .ts files pointed at the .js ones; every
// other file of those folders (the Avro schemas, the OpenAPI document) copied as it is. Node then
// runs plain JavaScript, without its TypeScript loader in memory: about 25 MB less RSS for the
// gateway (docs/performance.md).
// usage: node docker/compile.ts <out-dir> [<source-root>]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';

export const RUNTIME_FOLDERS = ['common', 'schemas', 'gateway', 'consumers'] as const;

/** A relative module specifier ending in .ts, in a static import or export, or a dynamic import(). */
const TS_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)(['"])(\.{1,2}\/[^'"\n]*?)\.ts\2/g;

/** `source` (TypeScript that Node can run by stripping types) as JavaScript importing .js files. */
export function compileModule(source: string, file: string): string {
  let stripped: string;
  try {
    stripped = stripTypeScriptTypes(source, { mode: 'strip' });
  } catch (err) {
    throw new Error(
      `${file}: Node cannot strip its types (${(err as Error).message}); use only erasable TypeScript (no enum, namespace or parameter property)`,
    );
  }
  const js = stripped.replace(TS_SPECIFIER, '$1$2$3.js$2');
  const left = js.match(TS_SPECIFIER);
  if (left) throw new Error(`${file}: an import of a .ts file was left: ${left[0]}`);
  return js;
}

/** Writes the runtime folders of `root` to `out`, compiled; returns how many modules it compiled. */
export function compileTree(root: string, out: string): number {
  let modules = 0;
  const walk = (relative: string): void => {
    mkdirSync(path.join(out, relative), { recursive: true });
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const from = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(from);
      else if (entry.name.endsWith('.ts')) {
        writeFileSync(path.join(out, `${from.slice(0, -3)}.js`), compileModule(readFileSync(path.join(root, from), 'utf8'), from));
        modules++;
      } else copyFileSync(path.join(root, from), path.join(out, from));
    }
  };
  for (const folder of RUNTIME_FOLDERS) walk(folder);
  return modules;
}

if (import.meta.main) {
  const [out, root = path.resolve(import.meta.dirname, '..')] = process.argv.slice(2);
  if (!out) {
    process.stderr.write('usage: node docker/compile.ts <out-dir> [<source-root>]\n');
    process.exit(2);
  }
  // stripTypeScriptTypes is marked experimental; its one warning is not news here.
  process.removeAllListeners('warning');
  const modules = compileTree(path.resolve(root), path.resolve(out));
  process.stdout.write(`compile: ${modules} modules of ${RUNTIME_FOLDERS.join(', ')} → ${path.resolve(out)}\n`);
}

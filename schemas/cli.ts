// npm run schemas:register | schemas:check — the event contract against SCHEMA_REGISTRY_URL,
// for topics under TOPIC_PREFIX (default cometchat). One line per subject; check exits 1 if any
// local schema is incompatible with what is registered.
import { envReader } from '../common/config-reader.ts';
import { readRegistryConnection } from '../common/connections.ts';
import { loadContract } from './contract.ts';
import { checkAll, createRegistryClient, registerAll } from './registry.ts';

const USAGE = `usage: npm run schemas:register | npm run schemas:check

  register  registers every trigger's schema (BACKWARD compatibility; idempotent)
  check     says, per subject, whether the local schema is unchanged, compatible,
            incompatible or not registered yet; exits 1 if any is incompatible

Environment: SCHEMA_REGISTRY_URL (required; read from .stack/env when present),
SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (or _FILE), SCHEMA_REGISTRY_CA_FILE,
SCHEMA_REGISTRY_TIMEOUT_MS (default 10000), TOPIC_PREFIX (default cometchat).
`;

async function main(command: string | undefined): Promise<number> {
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'register' && command !== 'check') {
    process.stderr.write(`unknown command ${command}\n${USAGE}`);
    return 2;
  }
  const read = envReader(process.env);
  const connection = readRegistryConnection(read);
  const prefix = read.text('TOPIC_PREFIX', '') || undefined;
  try {
    read.done('registry settings');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n(the local stack's settings are read from .stack/env after npm run stack:up)\n`);
    return 2;
  }
  const registry = createRegistryClient(connection);
  const { codecs } = loadContract();
  if (command === 'register') {
    for (const r of await registerAll(registry, codecs.values(), prefix)) process.stdout.write(`registered ${r.subject} id=${r.id}\n`);
    return 0;
  }
  const results = await checkAll(registry, codecs.values(), prefix);
  for (const r of results) process.stdout.write(`${r.state.padEnd(14)} ${r.subject}${r.messages.length ? `: ${r.messages.join('; ')}` : ''}\n`);
  const bad = results.filter((r) => r.state === 'incompatible').length;
  process.stdout.write(`${results.length} subjects, ${bad} incompatible\n`);
  return bad === 0 ? 0 : 1;
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

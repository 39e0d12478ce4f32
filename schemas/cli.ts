// npm run schemas:register | schemas:check — against SCHEMA_REGISTRY_URL, topics under
// TOPIC_PREFIX (default cometchat). One line per subject; check exits 1 if any is incompatible.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { loadContract } from './codec.ts';
import { checkAll, registerAll } from './registry.ts';

async function main(command: string | undefined): Promise<number> {
  const url = process.env.SCHEMA_REGISTRY_URL;
  if (!url) {
    process.stderr.write('SCHEMA_REGISTRY_URL is not set: e.g. `set -a; . .stack/env; set +a` after `npm run stack:up`\n');
    return 2;
  }
  const prefix = process.env.TOPIC_PREFIX || undefined;
  const { codecs } = loadContract();
  switch (command) {
    case 'register': {
      for (const r of await registerAll(new SchemaRegistry({ host: url }), codecs.values(), prefix)) {
        process.stdout.write(`registered ${r.subject} id=${r.id}\n`);
      }
      return 0;
    }
    case 'check': {
      const results = await checkAll(url, codecs.values(), prefix);
      for (const r of results) {
        process.stdout.write(`${r.state.padEnd(14)} ${r.subject}${r.messages.length ? `: ${r.messages.join('; ')}` : ''}\n`);
      }
      const bad = results.filter((r) => r.state === 'incompatible').length;
      process.stdout.write(`${results.length} subjects, ${bad} incompatible\n`);
      return bad === 0 ? 0 : 1;
    }
    default:
      process.stderr.write('usage: node schemas/cli.ts register|check\n');
      return 2;
  }
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

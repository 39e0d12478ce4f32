// npm run stack:up | stack:down | stack:status — the local Kafka and schema registry.
import { down, formatEnvFile, status, up } from './stack.ts';
import { stackSettings } from './settings.ts';

const USAGE = `usage: npm run stack:up | stack:down | stack:status

  up      starts a local Apache Kafka (KRaft) and Apicurio Registry from Maven Central,
          unless they already run; writes their settings to .stack/env
  down    stops them and removes their data
  status  says whether each runs and answers; exits 3 if one does not

Environment: STACK_DIR, STACK_KAFKA_PORT, STACK_REGISTRY_PORT, STACK_JAVA_HOME and the
others in docs/development.md.
`;

const report = (message: string): void => {
  process.stderr.write(`stack: ${message}\n`);
};

async function main(command: string | undefined): Promise<number> {
  const settings = stackSettings();
  switch (command) {
    case 'up': {
      const started = Date.now();
      const result = await up(settings, report);
      report(`up in ${((Date.now() - started) / 1000).toFixed(1)} s; settings written to ${settings.envFile}:`);
      process.stdout.write(formatEnvFile(result.env));
      return 0;
    }
    case 'down':
      await down(settings, report);
      return 0;
    case 'status': {
      const all = await status(settings);
      for (const c of all) {
        const state =
          c.pid === undefined ? 'stopped' : c.ready ? `running (pid ${c.pid}), answering at ${c.address}` : `running (pid ${c.pid}), not answering yet`;
        process.stdout.write(`${c.name}: ${state}\n`);
      }
      return all.every((c) => c.ready) ? 0 : 3;
    }
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(USAGE);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    report(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);

// Composition root: configuration → logger → gateway → signals. `npm start`.
import { ConfigError, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createLogger } from './logger.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\nSee the README's configuration table.\n`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel });
if (config.authDisabled) {
  logger.warn('WEBHOOK_AUTH_DISABLED=true: anyone who can reach this gateway can publish events; use only behind a proxy that authenticates');
}
const gateway = createGateway(config, { logger });
await gateway.start();

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

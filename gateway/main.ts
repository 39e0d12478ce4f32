// Composition root: configuration → logger → gateway → signals. `npm start`.
// With GATEWAY_WORKERS > 1 this process becomes the cluster primary (gateway/cluster.ts) and
// every worker runs this file again as one gateway.
import cluster from 'node:cluster';
import { clusterExposition, runPrimary } from './cluster.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createMetrics } from './http/metrics.ts';
import { createLogger } from './logger.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\nSee the README's configuration table.\n`);
  process.exit(2);
}

const root = createLogger({ level: config.logLevel });
const clustered = config.workers > 1;
// Once per start, from the process that was started (not from every worker).
if (config.authDisabled && cluster.isPrimary) {
  root.warn('WEBHOOK_AUTH_DISABLED=true: anyone who can reach this gateway can publish events; use only behind a proxy that authenticates');
}
if (clustered && cluster.isPrimary) {
  runPrimary({ workers: config.workers, logger: root, shutdownGraceMs: config.shutdownGraceMs });
} else {
  const logger = clustered ? root.child({ worker: cluster.worker!.id }) : root;
  const metrics = createMetrics(clustered ? { exposition: clusterExposition } : {});
  const gateway = createGateway(config, { logger, metrics });
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
}

// Composition root: configuration → logger → clients → gateway → signals. `npm start`.
// With GATEWAY_WORKERS > 1 this process becomes the cluster primary (gateway/cluster.ts) and
// every worker runs this file again as one gateway.
import cluster from 'node:cluster';
import { createLogger } from '../common/logger.ts';
import { createClients } from './clients.ts';
import { clusterExposition, runPrimary } from './cluster.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createMetrics } from './metrics.ts';
import { openSpool, type SpoolStore, spoolFile } from './spool/store.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`usage: npm start
Runs the gateway: HTTP(S) on HOST:PORT (default 0.0.0.0:8080), CometChat's webhooks on
WEBHOOK_PATH, events to Kafka. Configured by environment variables only; the required ones
are KAFKA_BROKERS, SCHEMA_REGISTRY_URL, WEBHOOK_USERNAME and WEBHOOK_PASSWORD. Settings of a
local stack (.stack/env, written by npm run stack:up) are read when present.
Every setting, its default and unit: docs/configuration.md
`);
  process.exit(0);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\nSee docs/configuration.md for every setting.\n`);
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
  let spool: SpoolStore | undefined;
  try {
    spool = config.spool ? openSpool({ file: spoolFile(config.spool.dir, process.env.GATEWAY_WORKER_SLOT), maxBytes: config.spool.maxBytes }) : undefined;
  } catch (err) {
    process.stderr.write(`cannot start: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const gateway = createGateway({ config, clients: createClients(config, { logger }), spool, logger, metrics });
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

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // Real brokers: rebalances and first metadata fetches take seconds, not milliseconds.
          testTimeout: 90_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          // The local stack's own lifecycle (stack/); needs Java and Maven, not Docker.
          name: 'stack',
          include: ['test/stack/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          // docker compose up of the whole product (npm run test:docker; needs a Docker engine).
          name: 'docker',
          include: ['test/docker/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 420_000,
        },
      },
      {
        test: {
          // Kills and freezes Kafka and the registry, on a stack of its own (Java + Maven).
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Each file runs a stack of its own; one at a time (npm run test:faults also says
          // --no-file-parallelism, which is what vitest honours).
          fileParallelism: false,
        },
      },
    ],
  },
});

// Vitest global setup for the integration tests: one stack for the whole run, handed to the
// tests through `inject('stack')` (see stack-env.ts).
import type { TestProject } from 'vitest/node';
import { startBackend } from './stack-backend.ts';
import type { StackEnv } from '../../stack/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEnv;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const report = (message: string): void => console.log(`[stack] ${message}`);
  const backend = await startBackend(process.env, report);
  report(`${backend.kind}: KAFKA_BROKERS=${backend.env.KAFKA_BROKERS} SCHEMA_REGISTRY_URL=${backend.env.SCHEMA_REGISTRY_URL}`);
  project.provide('stack', backend.env);
  return () => backend.stop();
}

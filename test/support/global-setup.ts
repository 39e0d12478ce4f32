// Vitest global setup for the integration tests: one stack for the whole run, handed to the
// tests through `inject('stack')` (see stack-env.ts).
import type { TestProject } from 'vitest/node';
import { auditLogs, prepareLogAudit } from './log-audit.ts';
import { type SecureStack, startBackend } from './stack-backend.ts';
import type { StackEnv } from '../../stack/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEnv;
    /** Undefined when the backend has no secured listeners (docker, a foreign cluster). */
    secureStack: SecureStack | undefined;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const report = (message: string): void => console.log(`[stack] ${message}`);
  const backend = await startBackend(process.env, report);
  report(`${backend.kind}: KAFKA_BROKERS=${backend.env.KAFKA_BROKERS} SCHEMA_REGISTRY_URL=${backend.env.SCHEMA_REGISTRY_URL}`);
  project.provide('stack', backend.env);
  project.provide('secureStack', backend.secure);
  const logDir = prepareLogAudit();
  return async () => {
    await backend.stop();
    // The whole run's gateway logs, scanned for every credential the gateways were given.
    const audit = auditLogs(logDir);
    report(`log audit: ${audit.lines} lines in ${audit.files} gateway logs, ${audit.secrets} secrets, ${audit.leaks.length} leaks`);
    if (audit.leaks.length > 0) throw new Error(`secrets found in gateway logs:\n${audit.leaks.join('\n')}`);
    if (audit.files === 0) throw new Error('log audit: no gateway log was written; the audit checked nothing');
  };
}

// Resolves the schema id of every trigger once, at start-up, so the registry is never on a
// request's path: registers the committed schemas (idempotent) or, with auto-registration off,
// looks each up and fails naming the subjects that are missing or differ.
import type { Contract } from '../../schemas/contract.ts';
import { registerAll, subjectOf, type RegistryClient } from '../../schemas/registry.ts';

export async function resolveSchemaIds({
  contract,
  registry,
  topicPrefix,
  autoRegister,
}: {
  contract: Contract;
  registry: RegistryClient;
  topicPrefix: string;
  autoRegister: boolean;
}): Promise<Map<string, number>> {
  const codecs = [...contract.codecs.values()];
  if (autoRegister) {
    const registered = await registerAll(registry, codecs, topicPrefix);
    return new Map(registered.map((r) => [r.trigger, r.id]));
  }
  const ids = new Map<string, number>();
  const missing: string[] = [];
  for (const codec of codecs) {
    const id = await registry.lookup(codec, topicPrefix);
    if (id === undefined) missing.push(subjectOf(codec.spec, topicPrefix));
    else ids.set(codec.spec.trigger, id);
  }
  if (missing.length > 0) {
    throw new Error(`SCHEMA_AUTO_REGISTER=false and these subjects lack this gateway's schema: ${missing.join(', ')}; run npm run schemas:register`);
  }
  return ids;
}

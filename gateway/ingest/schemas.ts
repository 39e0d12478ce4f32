// Resolves the schema id of every trigger once, at start-up, so the registry is never on a
// request's path: registers the committed schemas (idempotent) or, with auto-registration off,
// looks each up and fails naming the subjects that are missing or differ.
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Contract } from '../../schemas/codec.ts';
import { registerAll, subjectOf } from '../../schemas/registry.ts';

export async function resolveSchemaIds({
  contract,
  registry,
  registryUrl,
  topicPrefix,
  autoRegister,
}: {
  contract: Contract;
  registry: SchemaRegistry;
  registryUrl: string;
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
    const subject = subjectOf(codec.spec, topicPrefix);
    const res = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(codec.schema) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) ids.set(codec.spec.trigger, ((await res.json()) as { id: number }).id);
    else if (res.status === 404) missing.push(subject);
    else throw new Error(`looking up ${subject}: the registry answered ${res.status}`);
  }
  if (missing.length > 0) {
    throw new Error(`SCHEMA_AUTO_REGISTER=false and these subjects lack this gateway's schema: ${missing.join(', ')}; run npm run schemas:register`);
  }
  return ids;
}

// Registering the event contract in a Confluent-compatible schema registry, and checking the
// local schemas against what is registered. Subjects follow TopicRecordNameStrategy
// (<topic>-<record full name>) with BACKWARD compatibility.
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { subjectFor, topicFor, type TriggerSpec } from './catalog.ts';
import type { TriggerCodec } from './codec.ts';

export function subjectOf(spec: TriggerSpec, topicPrefix?: string): string {
  return subjectFor(topicFor(spec.category, topicPrefix), spec.recordName);
}

export interface Registered {
  readonly trigger: string;
  readonly subject: string;
  readonly id: number;
}

/**
 * Registers every codec's schema (idempotent: an identical schema keeps its id) with BACKWARD
 * compatibility. The registry refuses an incompatible change; the error names the subject.
 */
export async function registerAll(
  registry: SchemaRegistry,
  codecs: Iterable<TriggerCodec>,
  topicPrefix?: string,
): Promise<Registered[]> {
  const results: Registered[] = [];
  for (const codec of codecs) {
    const subject = subjectOf(codec.spec, topicPrefix);
    try {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(codec.schema) },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      results.push({ trigger: codec.spec.trigger, subject, id });
    } catch (err) {
      throw new Error(`registering ${subject} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return results;
}

export type CheckState = 'compatible' | 'unchanged' | 'not-registered' | 'incompatible';

export interface Checked {
  readonly trigger: string;
  readonly subject: string;
  readonly state: CheckState;
  /** The registry's reasons, when it gives them (Confluent's verbose mode). */
  readonly messages: readonly string[];
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json, application/json' },
    signal: AbortSignal.timeout(10_000),
  });
}

/** Whether each local schema could be registered over what its subject holds now. */
export async function checkAll(registryUrl: string, codecs: Iterable<TriggerCodec>, topicPrefix?: string): Promise<Checked[]> {
  const base = registryUrl.replace(/\/$/, '');
  const results: Checked[] = [];
  for (const codec of codecs) {
    const subject = subjectOf(codec.spec, topicPrefix);
    const body = JSON.stringify({ schema: JSON.stringify(codec.schema) });
    const encoded = encodeURIComponent(subject);
    // Asked first: some registries call any schema compatible with a subject that does not exist.
    const versions = await call(`${base}/subjects/${encoded}/versions`);
    if (versions.status === 404) {
      results.push({ trigger: codec.spec.trigger, subject, state: 'not-registered', messages: [] });
      continue;
    }
    // Already registered as is?
    const lookup = await call(`${base}/subjects/${encoded}`, { method: 'POST', body });
    if (lookup.ok) {
      results.push({ trigger: codec.spec.trigger, subject, state: 'unchanged', messages: [] });
      continue;
    }
    const res = await call(`${base}/compatibility/subjects/${encoded}/versions/latest?verbose=true`, { method: 'POST', body });
    if (!res.ok) throw new Error(`checking ${subject}: the registry answered ${res.status} ${await res.text()}`);
    const answer = (await res.json()) as { is_compatible?: boolean; messages?: string[] };
    results.push({
      trigger: codec.spec.trigger,
      subject,
      state: answer.is_compatible ? 'compatible' : 'incompatible',
      messages: answer.messages ?? [],
    });
  }
  return results;
}

// Every call to the schema registry, through one client with a timeout: registering the event
// contract, looking up its ids, checking local schemas against what is registered, a liveness
// ping, and (for consumers) the @kafkajs/confluent-schema-registry client that decodes records.
// Subjects follow TopicRecordNameStrategy (<topic>-<record full name>) with BACKWARD compatibility.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import https from 'node:https';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { subjectFor, topicFor, type TriggerSpec } from './catalog.ts';
import type { TriggerCodec } from './contract.ts';

export function subjectOf(spec: TriggerSpec, topicPrefix?: string): string {
  return subjectFor(topicFor(spec.category, topicPrefix), spec.recordName);
}

export interface Registered {
  readonly trigger: string;
  readonly subject: string;
  readonly id: number;
}

export type CheckState = 'compatible' | 'unchanged' | 'not-registered' | 'incompatible';

export interface Checked {
  readonly trigger: string;
  readonly subject: string;
  readonly state: CheckState;
  /** The registry's reasons, when it gives them (Confluent's verbose mode). */
  readonly messages: readonly string[];
}

export interface RegistryClient {
  /** The registry's Confluent-compatible base URL, without a trailing slash. */
  readonly url: string;
  /** For decoding records by their schema id (it caches each schema it fetched). */
  readonly schemaRegistry: SchemaRegistry;
  /** Registers a codec's schema (idempotent: an identical schema keeps its id). */
  register(codec: TriggerCodec, topicPrefix?: string): Promise<Registered>;
  /** The id of exactly this schema under its subject, or undefined when the subject lacks it. */
  lookup(codec: TriggerCodec, topicPrefix?: string): Promise<number | undefined>;
  /** Whether a codec's schema could be registered over what its subject holds now. */
  check(codec: TriggerCodec, topicPrefix?: string): Promise<Checked>;
  /** Whether the registry answers at all. */
  ping(): Promise<boolean>;
}

type ClientMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

const REGISTER_ATTEMPTS = 3;

/**
 * A failure worth one more try: a 5xx, or our timeout (mappersmith reports its own timeout as a
 * response with status 400 and the text "Timeout (N ms)", which no registry answer looks like).
 */
function transient(err: unknown): boolean {
  const { status, message } = err as { status?: number; message?: string };
  return (status !== undefined && status >= 500) || /Timeout \(\d+ms\)/.test(message ?? '');
}

export interface RegistryClientOptions {
  readonly url: string;
  /** Per request. */
  readonly timeoutMs?: number;
  /** HTTP Basic (Confluent Cloud: the API key and its secret). */
  readonly auth?: { readonly username: string; readonly password: string } | undefined;
  /** A CA bundle to trust for an https URL. */
  readonly ca?: Buffer | undefined;
}

/** An answer: status and body text. */
interface Answer {
  readonly status: number;
  readonly ok: boolean;
  text(): string;
  json(): unknown;
}

export function createRegistryClient({ url, timeoutMs = 10_000, auth, ca }: RegistryClientOptions): RegistryClient {
  const base = url.replace(/\/$/, '');
  const secure = base.startsWith('https://');
  const agent = secure ? new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) }) : new http.Agent({ keepAlive: true });
  // The library sets no timeout of its own: without this, one stalled request hangs its caller.
  const timeout: ClientMiddleware = () => ({ prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })) });
  const schemaRegistry = new SchemaRegistry({ host: base, middlewares: [timeout], agent, ...(auth ? { auth } : {}) });
  const authorization = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;

  /** One request with the same agent (CA), credentials and timeout as the library's. */
  function call(pathname: string, { method = 'GET', body }: { method?: string; body?: string } = {}): Promise<Answer> {
    const target = new URL(`${base}${pathname}`);
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        target,
        {
          method,
          agent,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/vnd.schemaregistry.v1+json',
            accept: 'application/vnd.schemaregistry.v1+json, application/json',
            ...(authorization ? { authorization } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            resolve({ status, ok: status >= 200 && status < 300, text: () => text, json: () => JSON.parse(text) as unknown });
          });
          res.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`the schema registry did not answer ${method} ${target.pathname} within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }
  const schemaBody = (codec: TriggerCodec): string => JSON.stringify({ schema: JSON.stringify(codec.schema) });

  return {
    url: base,
    schemaRegistry,
    async register(codec, topicPrefix) {
      const subject = subjectOf(codec.spec, topicPrefix);
      try {
        // Registering is idempotent: a request that timed out or met a 5xx is simply sent again.
        for (let attempt = 1; ; attempt++) {
          try {
            const { id } = await schemaRegistry.register(
              { type: SchemaType.AVRO, schema: JSON.stringify(codec.schema) },
              { subject, compatibility: COMPATIBILITY.BACKWARD },
            );
            return { trigger: codec.spec.trigger, subject, id };
          } catch (err) {
            if (attempt >= REGISTER_ATTEMPTS || !transient(err)) throw err;
            await sleep(250 * attempt);
          }
        }
      } catch (err) {
        const status = (err as { status?: number }).status;
        const hint = status === 401 || status === 403 ? ` (the registry answered ${status}: check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD)` : '';
        throw new Error(`registering ${subject} failed: ${err instanceof Error ? err.message : String(err)}${hint}`, { cause: err });
      }
    },
    async lookup(codec, topicPrefix) {
      const subject = subjectOf(codec.spec, topicPrefix);
      const res = await call(`/subjects/${encodeURIComponent(subject)}`, { method: 'POST', body: schemaBody(codec) });
      if (res.ok) return (res.json() as { id: number }).id;
      if (res.status === 404) return undefined;
      throw new Error(
        `looking up ${subject}: the registry answered ${res.status}${res.status === 401 || res.status === 403 ? ' (check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD)' : ''}`,
      );
    },
    async check(codec, topicPrefix) {
      const subject = subjectOf(codec.spec, topicPrefix);
      const { trigger } = codec.spec;
      const encoded = encodeURIComponent(subject);
      // Asked first: some registries call any schema compatible with a subject that does not exist.
      const versions = await call(`/subjects/${encoded}/versions`);
      if (versions.status === 404) return { trigger, subject, state: 'not-registered', messages: [] };
      // Already registered as is?
      const lookup = await call(`/subjects/${encoded}`, { method: 'POST', body: schemaBody(codec) });
      if (lookup.ok) return { trigger, subject, state: 'unchanged', messages: [] };
      const res = await call(`/compatibility/subjects/${encoded}/versions/latest?verbose=true`, { method: 'POST', body: schemaBody(codec) });
      if (!res.ok) throw new Error(`checking ${subject}: the registry answered ${res.status} ${res.text()}`);
      const answer = res.json() as { is_compatible?: boolean; messages?: string[] };
      return { trigger, subject, state: answer.is_compatible ? 'compatible' : 'incompatible', messages: answer.messages ?? [] };
    },
    async ping() {
      return (await call('/subjects')).ok;
    },
  };
}

/** Registers every codec's schema, in order; the registry refuses an incompatible change, naming the subject. */
export async function registerAll(client: RegistryClient, codecs: Iterable<TriggerCodec>, topicPrefix?: string): Promise<Registered[]> {
  const results: Registered[] = [];
  for (const codec of codecs) results.push(await client.register(codec, topicPrefix));
  return results;
}

export async function checkAll(client: RegistryClient, codecs: Iterable<TriggerCodec>, topicPrefix?: string): Promise<Checked[]> {
  const results: Checked[] = [];
  for (const codec of codecs) results.push(await client.check(codec, topicPrefix));
  return results;
}

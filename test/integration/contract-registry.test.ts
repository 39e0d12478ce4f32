// The event contract against a real registry: every trigger's subject registers with BACKWARD
// compatibility, registering again changes nothing, bytes we encode are read by the standard
// Confluent client, and an incompatible edit is reported by schemas:check and refused.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../stack/settings.ts';
import { loadContract, type TriggerCodec } from '../../schemas/contract.ts';
import { TRIGGERS } from '../../schemas/catalog.ts';
import { checkAll, createRegistryClient, registerAll, subjectOf, type Registered } from '../../schemas/registry.ts';
import type { JsonObject } from '../../schemas/json-path.ts';
import { example } from '../support/payloads.ts';
import { stackEnv, testRegistry, uniqueName } from '../support/stack-env.ts';

const run = promisify(execFile);
const contract = loadContract();
const codecs = [...contract.codecs.values()];

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${stackEnv().SCHEMA_REGISTRY_URL}${path}`);
  return { status: res.status, body: await res.json() };
}

/** Runs `npm run schemas:<command>` as a user would, against the test's registry and prefix. */
async function schemasCli(command: string, prefix: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['schemas/cli.ts', command], {
      cwd: projectRoot,
      env: { ...process.env, SCHEMA_REGISTRY_URL: stackEnv().SCHEMA_REGISTRY_URL, TOPIC_PREFIX: prefix },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

/** The trigger's schema with a new field that has no default: old records cannot be read with it. */
function incompatibleEdit(codec: TriggerCodec): TriggerCodec {
  const schema = structuredClone(codec.schema);
  schema.fields.push({ name: 'mandatoryNewField', type: 'string', doc: 'no default: breaks BACKWARD' });
  return { ...codec, schema };
}

describe('event contract in the schema registry', () => {
  const prefix = uniqueName('it.contract');
  const registry = testRegistry();
  const client = createRegistryClient({ url: stackEnv().SCHEMA_REGISTRY_URL });
  let first: Registered[];

  beforeAll(async () => {
    first = await registerAll(client, codecs, prefix);
  });

  it('every trigger’s subject registers, one per trigger, under TopicRecordNameStrategy names', async () => {
    expect(first).toHaveLength(TRIGGERS.size);
    expect(new Set(first.map((r) => r.subject)).size).toBe(TRIGGERS.size);
    expect(first.find((r) => r.trigger === 'message_sent')?.subject).toBe(`${prefix}.messages-cometchat.webhooks.MessageSent`);
    for (const r of first) expect(r.id).toBeGreaterThan(0);
  });

  it('every subject is BACKWARD compatible and at version 1', async () => {
    for (const r of first) {
      const config = await getJson(`/config/${encodeURIComponent(r.subject)}`);
      expect((config.body as { compatibilityLevel: string }).compatibilityLevel, r.subject).toBe('BACKWARD');
      expect((await getJson(`/subjects/${encodeURIComponent(r.subject)}/versions`)).body, r.subject).toEqual([1]);
    }
  });

  it('registering again → the same ids, no new versions', async () => {
    const again = await registerAll(client, codecs, prefix);
    expect(again).toEqual(first);
    const versions = await getJson(`/subjects/${encodeURIComponent(first[0]!.subject)}/versions`);
    expect(versions.body).toEqual([1]);
  });

  it('bytes the codec writes → decoded by the standard Confluent client back to the same event', async () => {
    for (const r of first) {
      const payload = example(r.trigger);
      const event = contract.convert(payload, 1_764_000_000_000);
      const bytes = contract.encode(event.codec, event.record, r.id);
      const decoded = (await registry.decode(bytes)) as JsonObject;
      expect(contract.toJson(r.trigger, decoded), r.trigger).toEqual(payload);
      expect(decoded.eventId).toBe(event.eventId);
    }
  });

  it('schemas:check with nothing changed → every subject unchanged, exit 0', async () => {
    const { code, stdout } = await schemasCli('check', prefix);
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('unchanged')),
    ).toHaveLength(TRIGGERS.size);
    expect(stdout).toContain(`${TRIGGERS.size} subjects, 0 incompatible`);
  });

  it('an incompatible edit → check reports it by subject, and the registry refuses it', async () => {
    const codec = contract.codecs.get('message_sent')!;
    const edited = incompatibleEdit(codec);
    const [result] = await checkAll(client, [edited], prefix);
    expect(result).toMatchObject({ subject: subjectOf(codec.spec, prefix), state: 'incompatible' });
    await expect(registerAll(client, [edited], prefix)).rejects.toThrow(subjectOf(codec.spec, prefix));
    expect((await getJson(`/subjects/${encodeURIComponent(subjectOf(codec.spec, prefix))}/versions`)).body).toEqual([1]);
  });

  it('schemas:check where the registry holds an older schema the local one cannot read → exit 1, the subject named', async () => {
    const other = uniqueName('it.drift');
    const subject = subjectOf(contract.codecs.get('user_blocked')!.spec, other);
    // An old version without the envelope's required trigger field.
    const old = { type: 'record', name: 'UserBlocked', namespace: 'cometchat.webhooks', fields: [{ name: 'appId', type: ['null', 'string'], default: null }] };
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(old) }, { subject, compatibility: COMPATIBILITY.BACKWARD });
    const { code, stdout } = await schemasCli('check', other);
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^incompatible\\s+${subject.replaceAll('.', '\\.')}`, 'm'));
    expect(stdout).toContain(`${TRIGGERS.size} subjects, 1 incompatible`);
  });
});

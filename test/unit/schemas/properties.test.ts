// Property-based: starting from the documented payloads, remove optional members, add unknown
// ones at random depths, null out values, change types, fill metadata with random JSON. Every
// such payload must convert and come back deep-equal; a mangled identity field must give an
// error naming its path, and nothing may ever throw anything but a ContractError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRIGGERS, type IdentityField } from '../../../schemas/catalog.ts';
import { ContractError } from '../../../schemas/errors.ts';
import { isJsonObject, pointer, type JsonObject } from '../../../schemas/json-path.ts';
import { contract, RECEIVED_AT, roundTrip } from '../../support/contract.ts';
import { documented, documentedTriggers } from '../../support/payloads.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 400);

/** Paths of every member of every object in the payload (arrays included in the walk). */
function memberPaths(value: unknown, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...memberPaths(v, [...prefix, String(i)]));
  else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      out.push(...memberPaths(value[key], [...prefix, key]));
    }
  }
  return out;
}

function objectPaths(value: unknown, prefix: string[] = []): string[][] {
  const out: string[][] = isJsonObject(value) ? [prefix] : [];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...objectPaths(v, [...prefix, String(i)]));
  else if (isJsonObject(value)) for (const key of Object.keys(value)) out.push(...objectPaths(value[key], [...prefix, key]));
  return out;
}

function nodeAt(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
}

function identityPaths(trigger: string): string[][] {
  const identity = TRIGGERS.get(trigger)!.identity;
  return [['trigger'], ...(identity === 'content' ? [] : identity.map((f) => [...f.path]))];
}

/** A path we may delete, null or retype: not the trigger, not on the way to an identity field. */
function isFree(path: string[], protectedPaths: string[][]): boolean {
  return !protectedPaths.some((p) => path.length <= p.length && path.every((k, i) => p[i] === k));
}

const mutation = fc.record({
  kind: fc.constantFrom('remove', 'add', 'null', 'retype', 'metadata'),
  pick: fc.nat(),
  // 'binary' strings include lone surrogates and any code point, as a hostile sender could send.
  key: fc.string({ unit: 'binary', maxLength: 12 }),
  value: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
});

type Mutation = { kind: string; pick: number; key: string; value: unknown };

function mutate(trigger: string, mutations: readonly Mutation[]): JsonObject {
  const payload = documented(trigger);
  const protectedPaths = identityPaths(trigger);
  for (const m of mutations) {
    const free = memberPaths(payload).filter((p) => isFree(p, protectedPaths));
    switch (m.kind) {
      case 'remove':
      case 'null':
      case 'retype': {
        const path = free[m.pick % Math.max(1, free.length)];
        if (!path) break;
        const parent = nodeAt(payload, path.slice(0, -1)) as Record<string, unknown>;
        const key = path[path.length - 1]!;
        if (Array.isArray(parent)) break; // array elements are not members
        if (m.kind === 'remove') delete parent[key];
        else parent[key] = m.kind === 'null' ? null : m.value;
        break;
      }
      case 'add': {
        const objects = objectPaths(payload);
        const target = nodeAt(payload, objects[m.pick % objects.length]!) as Record<string, unknown>;
        // New members only: overwriting one is what retype does.
        if (!Object.hasOwn(target, m.key)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        break;
      }
      case 'metadata': {
        const message = ((payload.data as JsonObject | undefined)?.message ?? (payload.data as JsonObject | undefined)?.call) as JsonObject | undefined;
        if (isJsonObject(message) && isJsonObject(message.data)) message.data.metadata = { [m.key]: m.value, extra: m.value };
        break;
      }
    }
  }
  // What the gateway sees is the text of an HTTP body.
  return JSON.parse(JSON.stringify(payload)) as JsonObject;
}

// Generous: PROPERTY_RUNS can be raised far above the default for a longer search.
describe('properties of conversion', { timeout: 600_000 }, () => {
  it('any mix of removed, added, nulled and retyped members → converts and round-trips deep-equal', () => {
    fc.assert(
      fc.property(fc.constantFrom(...documentedTriggers), fc.array(mutation, { maxLength: 10 }), (trigger, mutations) => {
        const payload = mutate(trigger, mutations);
        expect(roundTrip(payload).back).toEqual(payload);
      }),
      { numRuns: RUNS },
    );
  });

  const withIdentity = documentedTriggers.filter((t) => TRIGGERS.get(t)!.identity !== 'content');
  const wrongFor = (field: IdentityField) =>
    field.type === 'string'
      ? fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.constant(''), fc.array(fc.string()), fc.dictionary(fc.string(), fc.string()))
      : fc.oneof(
          fc.constant(null),
          fc.boolean(),
          fc.string(),
          fc.constant(1.5),
          fc.constant(2 ** 60),
          fc.array(fc.integer()),
          fc.dictionary(fc.string(), fc.integer()),
        );

  it('a mangled identity field (removed or wrong type) → identity_invalid naming its path, never a crash', () => {
    const arb = fc.tuple(fc.constantFrom(...withIdentity), fc.nat(), fc.boolean()).chain(([trigger, pick, remove]) => {
      const fields = TRIGGERS.get(trigger)!.identity as readonly IdentityField[];
      const field = fields[pick % fields.length]!;
      return fc.tuple(fc.constant(trigger), fc.constant(field), fc.constant(remove), wrongFor(field));
    });
    fc.assert(
      fc.property(arb, ([trigger, field, remove, wrong]) => {
        const payload = documented(trigger);
        const parent = nodeAt(payload, field.path.slice(0, -1) as string[]) as Record<string, unknown>;
        const key = field.path[field.path.length - 1]!;
        if (remove) delete parent[key];
        else parent[key] = wrong;
        let error: unknown;
        try {
          contract().convert(JSON.parse(JSON.stringify(payload)), RECEIVED_AT);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ContractError);
        expect((error as ContractError).code).toBe('identity_invalid');
        expect((error as ContractError).paths).toContain(pointer(field.path));
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary JSON under any trigger → a lossless round trip or a ContractError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...documentedTriggers, 'not_a_trigger'),
        fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
        fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }),
        (trigger, data, extra) => {
          const payload = JSON.parse(JSON.stringify({ trigger, data, webhook: extra })) as JsonObject;
          let result: ReturnType<typeof roundTrip> | undefined;
          try {
            result = roundTrip(payload);
          } catch (err) {
            expect(err).toBeInstanceOf(ContractError);
            return;
          }
          expect(result.back).toEqual(payload);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// Where an event goes and what it looks like on Kafka. A known, convertible event goes to its
// category topic as Avro in the Confluent wire format, keyed by the catalogue's key, with
// CloudEvents headers (Kafka protocol binding, binary mode). What cannot go there is kept, not
// refused: an unknown trigger is published unchanged to the unrouted topic, an unconvertible
// payload to the dead-letter topic with the error in headers.
import type { IHeaders } from 'kafkajs';
import { CATEGORIES, topicFor, TRIGGERS, type Category } from '../../schemas/catalog.ts';
import type { Contract, ConvertedEvent, WebhookEvent } from '../../schemas/contract.ts';
import { ContractError } from '../../schemas/errors.ts';
import type { OutgoingEvent } from './publisher.ts';
import { uuidV5 } from '../../schemas/event-id.ts';

export type Routed =
  | { readonly kind: 'category'; readonly event: OutgoingEvent; readonly eventId: string; readonly trigger: string; readonly mismatches: readonly string[] }
  | { readonly kind: 'unrouted' | 'dlq'; readonly event: OutgoingEvent; readonly eventId: string; readonly trigger: string; readonly error?: ContractError };

export interface RouterOptions {
  readonly contract: Contract;
  /** Schema id per trigger, resolved at start-up. */
  readonly schemaIds: ReadonlyMap<string, number>;
  readonly topicPrefix: string;
  readonly unroutedTopic: string;
  readonly dlqTopic: string;
  readonly schemaRegistryUrl: string;
}

const SOURCE_PREFIX = '/cometchat';
const CE_TYPES = new Map([...TRIGGERS.keys()].map((trigger) => [trigger, `com.cometchat.webhook.${trigger}`]));

/** RFC 3339 UTC time with milliseconds, as toISOString writes it; the date part is formatted once a second. */
let secondShown = Number.NaN;
let secondText = '';
export function isoTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== secondShown) {
    secondShown = second;
    secondText = new Date(second * 1000).toISOString().slice(0, -4);
  }
  const ms = epochMs - second * 1000;
  return `${secondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

function cloudEventHeaders(e: { eventId: string; trigger: string; appId: unknown; webhook: unknown; receivedAt: number; contentType: string }): IHeaders {
  const app = typeof e.appId === 'string' ? e.appId : 'unknown';
  const webhook = typeof e.webhook === 'string' ? e.webhook : 'unknown';
  return {
    ce_specversion: '1.0',
    ce_id: e.eventId,
    ce_type: CE_TYPES.get(e.trigger) ?? `com.cometchat.webhook.${e.trigger}`,
    ce_source: `${SOURCE_PREFIX}/apps/${encodeURIComponent(app)}/webhooks/${encodeURIComponent(webhook)}`,
    ce_time: isoTime(e.receivedAt),
    'content-type': e.contentType,
  };
}

export function createRouter(options: RouterOptions) {
  const { contract, schemaIds } = options;
  // Computed once, not per event.
  const topics = new Map<Category, string>(CATEGORIES.map((c) => [c, topicFor(c, options.topicPrefix)]));

  function toCategory(converted: ConvertedEvent, receivedAt: number): Routed {
    const { codec, eventId, record } = converted;
    const schemaId = schemaIds.get(codec.spec.trigger);
    if (schemaId === undefined) throw new Error(`no schema id for ${codec.spec.trigger}: schemas were not resolved at start-up`);
    const headers = cloudEventHeaders({
      eventId,
      trigger: codec.spec.trigger,
      appId: record.appId,
      webhook: record.webhook,
      receivedAt,
      contentType: 'application/avro',
    });
    headers.ce_dataschema = `${options.schemaRegistryUrl}/schemas/ids/${schemaId}`;
    return {
      kind: 'category',
      eventId,
      trigger: codec.spec.trigger,
      mismatches: converted.mismatches,
      event: { topic: topics.get(codec.spec.category)!, message: { key: converted.key, value: contract.encode(codec, record, schemaId), headers } },
    };
  }

  /** `body` is the parsed event, `raw` the body as received. */
  function route(body: WebhookEvent, raw: string, receivedAt: number): Routed {
    let converted: ConvertedEvent;
    try {
      converted = contract.convert(body, receivedAt);
    } catch (err) {
      if (!(err instanceof ContractError)) throw err;
      const { trigger } = body;
      // No identity could be derived: the id is that of the bytes received, stable across redeliveries.
      const eventId = uuidV5(JSON.stringify([typeof body.webhook === 'string' ? body.webhook : '', trigger, raw]));
      const kind = err.code === 'trigger_unknown' ? 'unrouted' : 'dlq';
      const headers = cloudEventHeaders({ eventId, trigger, appId: body.appId, webhook: body.webhook, receivedAt, contentType: 'application/json' });
      if (kind === 'dlq') {
        headers.error_code = err.code;
        headers.error_paths = err.paths.join(',');
        headers.error_message = err.message;
      }
      return {
        kind,
        eventId,
        trigger,
        error: err,
        event: { topic: kind === 'unrouted' ? options.unroutedTopic : options.dlqTopic, message: { key: eventId, value: raw, headers } },
      };
    }
    return toCategory(converted, receivedAt);
  }

  return { route };
}
export type Router = ReturnType<typeof createRouter>;

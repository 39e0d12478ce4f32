import { describe, expect, it } from 'vitest';
import { unframe } from '../../../schemas/wire-format.ts';
import { contract, RECEIVED_AT } from '../../support/contract.ts';
import { documented } from '../../support/payloads.ts';

describe('Confluent wire format', () => {
  it('encode → magic byte 0, the schema id big-endian, then the Avro bytes of the record', () => {
    const c = contract();
    const event = c.convert(documented('message_sent'), RECEIVED_AT);
    const bytes = c.encode(event.codec, event.record, 0x01020304);
    expect([...bytes.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(bytes.subarray(5)).toEqual(event.codec.type.toBuffer(event.record));
  });

  it('a record larger than the encoder’s scratch buffer → encoded whole', () => {
    const c = contract();
    const payload = documented('message_sent');
    (payload.data as { message: { data: Record<string, unknown> } }).message.data.text = 'x'.repeat(200_000);
    const event = c.convert(payload, RECEIVED_AT);
    const { record } = c.decode('message_sent', c.encode(event.codec, event.record, 9));
    expect(c.toJson('message_sent', record)).toEqual(payload);
  });

  it('bytes without the magic byte → an error saying what was expected', () => {
    expect(() => unframe(Buffer.from('{"json":true}'))).toThrow(/expected magic byte 0/);
    expect(() => unframe(Buffer.alloc(3))).toThrow(/Confluent wire format/);
  });

  it('unframe → the schema id and the Avro bytes', () => {
    const framed = unframe(Buffer.from([0, 0, 0, 1, 0, 42, 43]));
    expect(framed.schemaId).toBe(256);
    expect([...framed.avroBytes]).toEqual([42, 43]);
  });
});

// The Confluent wire format every standard Kafka Avro deserializer reads: a zero magic byte,
// the schema id as a big-endian 32-bit integer, then the Avro binary encoding. (The codec writes
// the header itself, straight into its encoding buffer.)
export const MAGIC_BYTE = 0;
export const HEADER_BYTES = 5;

export interface Framed {
  readonly schemaId: number;
  readonly avroBytes: Buffer;
}

export function unframe(message: Buffer): Framed {
  if (message.length < HEADER_BYTES || message[0] !== MAGIC_BYTE) {
    throw new Error(
      `not in the Confluent wire format: expected magic byte 0 and a 4-byte schema id, got ${message.length} bytes starting ${message.subarray(0, 5).toString('hex')}`,
    );
  }
  return { schemaId: message.readInt32BE(1), avroBytes: message.subarray(HEADER_BYTES) };
}

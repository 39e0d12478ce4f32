// What an Avro schema is in this project, and where each trigger's registered schema lives.
// Read at run time (the contract loads registered/<trigger>.avsc); written by schemas/build/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const schemasDir = path.dirname(fileURLToPath(import.meta.url));
export const NAMESPACE = 'cometchat.webhooks';

export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };
export interface AvroField {
  name: string;
  type: AvroSchema;
  [attribute: string]: unknown;
}
export interface AvroRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

export function fullName(name: string, namespace = NAMESPACE): string {
  return name.includes('.') ? name : `${namespace}.${name}`;
}

/** Where the assembled schema of a trigger is committed (and read from at run time). */
export function registeredSchemaFile(trigger: string): string {
  return path.join(schemasDir, 'registered', `${trigger}.avsc`);
}

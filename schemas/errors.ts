// Errors of the event contract. Callers branch on `code`, never on the message; `paths` name
// every offending field as a JSON Pointer so a dead-lettered event says what to fix.
export const CONTRACT_ERROR_CODES = [
  /** The body is not a JSON object. */
  'payload_not_object',
  /** `trigger` is missing or not a string. */
  'trigger_missing',
  /** No schema for this trigger (the gateway routes such events to the unrouted topic). */
  'trigger_unknown',
  /** A field the event id is derived from is missing or of the wrong type. */
  'identity_invalid',
  /** A required field cannot be represented in the schema. */
  'payload_unrepresentable',
  /** JSON nested deeper than any CometChat payload (MAX_JSON_DEPTH levels). */
  'payload_too_deep',
] as const;
export type ContractErrorCode = (typeof CONTRACT_ERROR_CODES)[number];

export interface FieldProblem {
  /** JSON Pointer of the field, e.g. /data/message/id. */
  readonly path: string;
  readonly problem: string;
}

export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ContractErrorCode;
  readonly problems: readonly FieldProblem[];

  constructor(code: ContractErrorCode, message: string, problems: readonly FieldProblem[] = []) {
    const detail = problems.map((p) => `${p.path}: ${p.problem}`).join('; ');
    super(detail ? `${message}: ${detail}` : message);
    this.code = code;
    this.problems = problems;
  }

  get paths(): string[] {
    return this.problems.map((p) => p.path);
  }
}

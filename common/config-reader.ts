// Reading settings from the environment the same way in every program: each reader records
// what is wrong instead of throwing, so one start lists every bad key at once, with the fix.
import { readFileSync } from 'node:fs';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[], what = 'configuration') {
    super(`invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export interface EnvReader {
  readonly problems: string[];
  /** The value, or `fallback`; without a fallback the key is required. */
  text(key: string, fallback?: string): string;
  /** A whole number within [min, max]; `unit` is named in the problem. */
  int(key: string, fallback: number, range: { min: number; max: number }, unit?: string): number;
  bool(key: string, fallback: boolean): boolean;
  /** One of `choices`. */
  oneOf<T extends string>(key: string, fallback: T, choices: readonly T[]): T;
  /**
   * A secret from KEY, or from the file KEY_FILE names (as container platforms mount secrets; one
   * trailing newline dropped). Both set is a problem; so is a file that cannot be read. Never
   * echoes the value. Undefined when neither is set and `required` is false.
   */
  secret(key: string, options?: { required?: boolean }): string | undefined;
  /** The contents of the file KEY names (a certificate, a key), or undefined when unset. */
  file(key: string): Buffer | undefined;
  /** Throws ConfigError listing every problem recorded so far, if any. */
  done(what?: string): void;
}

export function envReader(env: NodeJS.ProcessEnv): EnvReader {
  const problems: string[] = [];
  const given = (key: string): string | undefined => {
    const value = env[key];
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    problems,
    text(key, fallback) {
      const value = given(key);
      if (value !== undefined) return value;
      if (fallback === undefined) problems.push(`${key} is required`);
      return fallback ?? '';
    },
    int(key, fallback, { min, max }, unit = '') {
      const raw = given(key);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(`${key}=${raw} must be a whole number from ${min} to ${max}${unit ? ` (${unit})` : ''}`);
        return fallback;
      }
      return value;
    },
    bool(key, fallback) {
      const raw = given(key);
      if (raw === undefined) return fallback;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      problems.push(`${key}=${raw} must be true or false`);
      return fallback;
    },
    oneOf(key, fallback, choices) {
      const raw = given(key);
      if (raw === undefined) return fallback;
      if ((choices as readonly string[]).includes(raw)) return raw as typeof fallback;
      problems.push(`${key}=${raw} must be one of ${choices.join(', ')}`);
      return fallback;
    },
    secret(key, { required = false } = {}) {
      const direct = given(key);
      const file = given(`${key}_FILE`);
      if (direct !== undefined && file !== undefined) {
        problems.push(`${key} and ${key}_FILE are both set: set one of them`);
        return undefined;
      }
      if (file !== undefined) {
        try {
          return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
        } catch (err) {
          problems.push(`${key}_FILE=${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          return undefined;
        }
      }
      if (direct === undefined && required) problems.push(`${key} (or ${key}_FILE) is required`);
      return direct;
    },
    file(key) {
      const file = given(key);
      if (file === undefined) return undefined;
      try {
        return readFileSync(file);
      } catch (err) {
        problems.push(`${key}=${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return undefined;
      }
    },
    done(what) {
      if (problems.length > 0) throw new ConfigError(problems, what);
    },
  };
}

/** host:port[,host:port…], recording a problem when malformed. */
export function brokerList(reader: EnvReader, key = 'KAFKA_BROKERS'): string[] {
  const raw = reader.text(key);
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (raw && brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) reader.problems.push(`${key}=${raw} must be host:port[,host:port…]`);
  return brokers;
}

/** An http(s) URL without its trailing slash. */
export function httpUrl(reader: EnvReader, key: string, fallback?: string): string {
  const url = reader.text(key, fallback);
  if (url && !/^https?:\/\//.test(url)) reader.problems.push(`${key}=${url} must be an http(s) URL`);
  return url.replace(/\/$/, '');
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Reading settings from the environment the same way in every program: each reader records
// what is wrong instead of throwing, so one start lists every bad key at once, with the fix.

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

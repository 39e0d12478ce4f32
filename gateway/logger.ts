// One root logger; modules take children. Credentials never reach a log line: the
// Authorization header and every configured secret path are redacted.
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
];

export function createLogger({ level, destination }: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level,
      base: { service: 'cometchat-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

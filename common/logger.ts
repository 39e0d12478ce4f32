// One root logger per process; modules take children. JSON lines, or readable lines when the
// output is a terminal (LOG_FORMAT=json|pretty overrides). Credentials never reach a log line:
// the Authorization header and every configured secret path are redacted.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'apiKey',
  '*.apiKey',
];

export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set, else pretty on a terminal and JSON anywhere else (files, collectors). */
export function logFormat(env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTty ? 'pretty' : 'json';
}

export function createLogger({
  level,
  service = 'cometchat-gateway',
  destination,
  format = destination ? 'json' : logFormat(),
}: {
  level: string;
  service?: string;
  destination?: DestinationStream;
  format?: LogFormat;
}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    // pino-pretty in a worker thread: the event loop only hands it lines.
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', messageFormat: '{service}: {msg}', singleLine: true, destination: 1 },
      },
    });
  }
  return pino(options, destination);
}

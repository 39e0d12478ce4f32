// kafkajs's own log lines, through the process's pino logger (one format, one destination).
// kafkajs logs every failed protocol response at ERROR, also the retriable ones it then retries
// (a coordinator still loading, a leader moving, a topic that already exists): those go to
// debug. What actually fails reaches our code as an error and is logged there; anything else
// kafkajs reports is a warning.
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from './logger.ts';

export function kafkaLogCreator(logger: Logger): logCreator {
  const log = logger.child({ module: 'kafkajs' });
  return () =>
    ({ level, namespace, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = entry as LogEntry['log'] & { logger?: string };
      const text = namespace ? `${namespace}: ${message}` : message;
      if (level <= logLevel.WARN && !message.startsWith('Response ')) log.warn(fields, text);
      else log.debug(fields, text);
    };
}

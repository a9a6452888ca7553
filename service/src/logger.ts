import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** JSON lines on stdout; credentials that could reach a log line are redacted. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'polls' },
    redact: {
      paths: [
        'password',
        '*.password',
        'headers.cookie',
        'headers.authorization',
        'databaseUrl',
        'sessionKeys',
      ],
      censor: '[redacted]',
    },
  });
}

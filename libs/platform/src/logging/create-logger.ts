import pino, { type Logger } from 'pino';

/** Header and field names whose values must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'API_KEYS',
  '*.API_KEYS',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.token',
  'headers.authorization',
  'headers["webhook-signature"]',
];

/** The one JSON logger of a service: Nest, HTTP access logs and the bus all write through it. */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    // Synchronous: the last lines before a signal-driven exit (shutdown, drain) must not be lost.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

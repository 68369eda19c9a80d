import pino, { type Logger } from 'pino';

/** Header and field names whose values must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'API_KEYS',
  '*.API_KEYS',
  '*.KAFKA_SASL_PASSWORD',
  '*.sasl.password',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.token',
  'headers.authorization',
  'headers["webhook-signature"]',
  // A Postgres error (TypeORM's QueryFailedError) carries the statement's parameters and, for a
  // constraint, the failing row: both can hold secrets.
  'err.parameters',
  'err.detail',
  'err.driverError.detail',
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

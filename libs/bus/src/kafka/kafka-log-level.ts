import { logLevel } from 'kafkajs';

const names: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The logger's level for a kafkajs log level (the bus's own client and every producer's log through it). */
export function kafkaLogLevelName(level: number): 'error' | 'warn' | 'info' | 'debug' {
  return names[level] ?? 'info';
}

import { logLevel } from 'kafkajs';

/** The logger method a kafkajs log line goes to. */
export type KafkaLogLevelName = 'error' | 'warn' | 'info' | 'debug';

const names: Record<number, KafkaLogLevelName> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The logger's level for a kafkajs log level (the bus's own client and every producer's log through it). */
export function kafkaLogLevelName(level: number): KafkaLogLevelName {
  return names[level] ?? 'info';
}

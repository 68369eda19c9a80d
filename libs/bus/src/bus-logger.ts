/** The slice of a pino logger the bus writes to; adapters stay free of Nest. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentBusLogger: BusLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

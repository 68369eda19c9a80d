/**
 * The handbook's protocol on a history's own calendar: train on some days, skip a gap as long as the
 * label delay (the labels of those days were not known yet when the model would have been trained),
 * test on the days after. Days count from the history's first (day 0).
 */
export interface Protocol {
  trainFrom: number;
  trainDays: number;
  gapDays: number;
  testFrom: number;
  testDays: number;
}

export interface ProtocolOptions {
  trainFrom?: number;
  trainDays?: number;
  gapDays: number;
  testFrom?: number;
  testDays: number;
  /** Days a fraud's chargeback may take: the test week ends this long before the history does, so its labels are in. */
  labelDays: number;
  /** Days at the start whose windows are still filling up: not trained on unless asked. */
  warmUpDays: number;
}

export const DEFAULT_PROTOCOL: Omit<ProtocolOptions, 'trainFrom' | 'trainDays' | 'testFrom'> = { gapDays: 7, testDays: 7, labelDays: 7, warmUpDays: 7 };

/**
 * Without a test start: the last full `testDays` whose labels have had `labelDays` to arrive. Without
 * a train start: after the warm-up. Without a length: every day up to the gap ("the first weeks").
 */
export function protocolFor(lastDay: number, options: ProtocolOptions): Protocol {
  const testFrom = defaultTestFrom(lastDay, options);
  const trainFrom = options.trainFrom ?? options.warmUpDays;
  const trainDays = options.trainDays ?? testFrom - options.gapDays - trainFrom;
  const protocol = { trainFrom, trainDays, gapDays: options.gapDays, testFrom, testDays: options.testDays };
  const problems: string[] = [];
  if (trainDays < 1) problems.push(`no day is left to train on (days ${trainFrom} to ${testFrom - options.gapDays - 1})`);
  if (trainFrom + trainDays + options.gapDays > testFrom)
    problems.push(`training (days ${trainFrom}-${trainFrom + trainDays - 1}) and its ${options.gapDays}-day gap run into the test days (from ${testFrom})`);
  if (testFrom + options.testDays - 1 > lastDay)
    problems.push(`the test days (${testFrom}-${testFrom + options.testDays - 1}) run past the history's last day (${lastDay})`);
  if (trainFrom < 0) problems.push('training cannot start before day 0');
  if (problems.length > 0) throw new Error(`the history (days 0-${lastDay}) does not fit the protocol: ${problems.join('; ')}`);
  return protocol;
}

const defaultTestFrom = (lastDay: number, options: Pick<ProtocolOptions, 'testFrom' | 'testDays' | 'labelDays'>) =>
  options.testFrom ?? lastDay - options.labelDays - options.testDays + 1;

/** The test days alone (a backtest: models already trained): by default the last full `testDays` whose labels are in. */
export function testWindowFor(lastDay: number, options: Pick<ProtocolOptions, 'testFrom' | 'testDays' | 'labelDays'>): { testFrom: number; testDays: number } {
  const testFrom = defaultTestFrom(lastDay, options);
  if (testFrom < 0 || testFrom + options.testDays - 1 > lastDay)
    throw new Error(`the history (days 0-${lastDay}) does not hold the test days ${testFrom}-${testFrom + options.testDays - 1}`);
  return { testFrom, testDays: options.testDays };
}

/** A day given as a number (from day 0) or an ISO date (YYYY-MM-DD) of the history's calendar. */
export function dayOption(value: string | undefined, firstDayMs: number, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const time = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(time)) throw new Error(`--${name} must be a day number or a date such as 2026-07-23`);
  return Math.round((time - firstDayMs) / 86_400_000);
}

import type { EventIn } from '@app/contracts';
import { Random } from './random';

/**
 * The transaction simulator of the *Reproducible Machine Learning for Credit Card Fraud Detection*
 * handbook (chapter 3.2), extended for this platform.
 *
 * As in the handbook: customers and terminals placed uniformly on a 100×100 grid; each customer uses
 * the terminals within radius `radius`; a Poisson number of transactions a day (mean uniform in
 * [0, 4)), at a normal time of day (mean noon, sd 20,000 s), of a normal amount (mean uniform in
 * [5, 100), sd half of it; a negative draw is redrawn uniform in [0, 2×mean]). Fraud scenarios:
 * 1. every amount over 220 is fraud;
 * 2. each day 2 terminals are compromised: all their transactions of the next 28 days are fraud;
 * 3. each day 3 customers are compromised: over the next 14 days a third of their transactions
 *    are fraud, with 5 times the amount.
 * Added here: logins, page views and carts around payments; an IP, device and User-Agent per
 * customer (IPs from the customer's home country); an account takeover a day (a login from a new
 * device in another country, then 2–4 large payments within two days); and a `chargeback` for every
 * fraud, 1 to 6 days after it (within the scoring service's label delay) unless `chargebacks` says
 * otherwise, carrying the fields it names.
 */
export interface SimulationOptions {
  seed: number;
  customers: number;
  terminals: number;
  days: number;
  /** Midnight UTC of the first day. */
  start: Date;
  radius: number;
  /** Public IPs by ISO country code, from the geo database ingest uses (ip-pools.ts). */
  ipPools: Map<string, string[]>;
  /** How chargebacks come: after a fixed delay (ms) or 1 to 6 days (null), with which facts of the payment besides its id. */
  chargebacks?: ChargebackStyle;
}

/** What a chargeback may say of the payment it disputes besides its id: card networks' feeds often say nothing more. */
export type ChargebackField = 'time' | 'merchant' | 'amount';
export interface ChargebackStyle {
  delayMs: number | null;
  fields: readonly ChargebackField[];
}
export const DEFAULT_CHARGEBACKS: ChargebackStyle = { delayMs: null, fields: ['time', 'merchant', 'amount'] };

export type FraudScenario = 'amount_over_220' | 'compromised_terminal' | 'compromised_customer' | 'account_takeover';

export interface SimulatedEvent {
  event: EventIn & { eventId: string };
  /** For a transaction that is fraud: why (the ground truth; its chargeback follows). */
  fraud?: FraudScenario;
}

interface Customer {
  id: number;
  x: number;
  y: number;
  meanAmount: number;
  stdAmount: number;
  meanTxPerDay: number;
  terminals: number[];
  country: string;
  ips: string[];
  devices: Array<{ id: string; userAgent: string }>;
}

const DAY_S = 86_400;
const CATEGORIES = ['electronics', 'fashion', 'home', 'sports', 'books', 'beauty', 'toys', 'grocery'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
];

interface Pending {
  /** Seconds since the simulation's start. */
  at: number;
  build: () => Omit<SimulatedEvent['event'], 'eventId' | 'occurredAt'>;
  fraud?: FraudScenario;
}

/** Events in time order, day by day: memory holds one day (and what later days were promised). */
export function* simulate(options: SimulationOptions): Generator<SimulatedEvent> {
  const random = new Random(options.seed);
  const countries = [...options.ipPools.keys()];
  if (countries.length < 2) throw new Error('the IP pools must hold at least two countries');
  const terminals = Array.from({ length: options.terminals }, () => ({ x: random.uniform(0, 100), y: random.uniform(0, 100) }));
  const customers: Customer[] = Array.from({ length: options.customers }, (_, id) => {
    const meanAmount = random.uniform(5, 100);
    const country = random.pick(countries);
    const pool = options.ipPools.get(country) as string[];
    const devices = Array.from({ length: random.next() < 0.3 ? 2 : 1 }, (_, d) => ({ id: `dev-c${id}-${d}`, userAgent: random.pick(USER_AGENTS) }));
    return {
      id,
      x: random.uniform(0, 100),
      y: random.uniform(0, 100),
      meanAmount,
      stdAmount: meanAmount / 2,
      meanTxPerDay: random.uniform(0, 4),
      terminals: [],
      country,
      ips: [random.pick(pool), random.pick(pool)],
      devices,
    };
  });
  // Terminals near each customer, found through a grid of radius-sized cells rather than all pairs.
  const cells = new Map<string, number[]>();
  const cellOf = (x: number, y: number) => `${Math.floor(x / options.radius)}:${Math.floor(y / options.radius)}`;
  terminals.forEach((t, i) => cells.set(cellOf(t.x, t.y), [...(cells.get(cellOf(t.x, t.y)) ?? []), i]));
  for (const c of customers) {
    const [cx, cy] = [Math.floor(c.x / options.radius), Math.floor(c.y / options.radius)];
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++) {
        for (const i of cells.get(`${cx + dx}:${cy + dy}`) ?? [])
          if (Math.hypot(terminals[i].x - c.x, terminals[i].y - c.y) < options.radius) c.terminals.push(i);
      }
    c.terminals.sort((a, b) => a - b);
  }

  const compromisedTerminals = new Map<number, number>(); // terminal → last day compromised
  const compromisedCustomers = new Map<number, number>();
  const later = new Map<number, Pending[]>(); // day → events promised to it
  const promise = (p: Pending) => {
    const day = Math.floor(p.at / DAY_S);
    later.set(day, [...(later.get(day) ?? []), p]);
  };
  const startMs = options.start.getTime();
  const chargebacks = options.chargebacks ?? DEFAULT_CHARGEBACKS;
  const user = (c: Customer) => `C${c.id}`;
  const merchant = (t: number) => `T${t}`;
  let sequence = 0;

  for (let day = 0; day < options.days; day++) {
    for (let k = 0; k < 2; k++) compromisedTerminals.set(random.int(options.terminals), day + 27);
    for (let k = 0; k < 3; k++) compromisedCustomers.set(random.int(options.customers), day + 13);
    const todays: Pending[] = later.get(day) ?? [];
    later.delete(day);

    for (const c of customers) {
      const count = random.poisson(c.meanTxPerDay);
      for (let n = 0; n < count; n++) {
        const time = Math.round(random.normal(DAY_S / 2, 20_000));
        if (time <= 0 || time >= DAY_S || c.terminals.length === 0) continue; // as the handbook: outside the day, dropped
        let amount = random.normal(c.meanAmount, c.stdAmount);
        if (amount < 0) amount = random.uniform(0, c.meanAmount * 2);
        const terminal = random.pick(c.terminals);
        let fraud: FraudScenario | undefined;
        if ((compromisedCustomers.get(c.id) ?? -1) >= day && random.next() < 1 / 3) {
          amount *= 5;
          fraud = 'compromised_customer';
        }
        if ((compromisedTerminals.get(terminal) ?? -1) >= day) fraud = 'compromised_terminal';
        amount = Math.round(amount * 100) / 100;
        if (amount > 220) fraud = 'amount_over_220';
        const at = day * DAY_S + time;
        const device = random.next() < 0.85 ? c.devices[0] : random.pick(c.devices);
        const ip = random.next() < 0.9 ? c.ips[0] : c.ips[1];
        todays.push(...clickstream(random, c, at, day * DAY_S, device, ip));
        todays.push(payment(c, terminal, at, amount, device, ip, fraud));
      }
    }

    // An account takeover: a login from a new device in another country, then large payments within two days.
    const victim = customers[random.int(customers.length)];
    if (victim.terminals.length > 0) {
      const country = random.pick(countries.filter((k) => k !== victim.country));
      const device = { id: `dev-x${day}-${victim.id}`, userAgent: random.pick(USER_AGENTS) };
      const ip = random.pick(options.ipPools.get(country) as string[]);
      const loginAt = day * DAY_S + random.int(DAY_S);
      todays.push({ at: loginAt, build: () => ({ type: 'login', userId: user(victim), ip, deviceId: device.id, userAgent: device.userAgent }) });
      const payments = 2 + random.int(3);
      for (let k = 0; k < payments; k++) {
        const at = loginAt + 60 + random.int(2 * DAY_S);
        const amount = Math.round(victim.meanAmount * random.uniform(3, 6) * 100) / 100;
        const stolen = payment(victim, random.int(options.terminals), at, amount, device, ip, 'account_takeover');
        if (Math.floor(at / DAY_S) === day) todays.push(stolen);
        else promise(stolen);
      }
    }

    todays.sort((a, b) => a.at - b.at);
    for (const p of todays) {
      const eventId = `sim${options.seed}-${sequence++}`;
      const event = { eventId, occurredAt: new Date(startMs + p.at * 1000).toISOString(), ...p.build() } as SimulatedEvent['event'];
      if (p.fraud) {
        // The label arrives 1 to 6 days later by default, as a chargeback naming the disputed payment:
        // within the scoring service's 7-day label delay, so delayed merchant features see every label they cover.
        const at = chargebacks.delayMs === null ? p.at + DAY_S + random.int(5 * DAY_S) : p.at + chargebacks.delayMs / 1000;
        promise({ at, build: () => chargebackOf(event, chargebacks.fields) });
      }
      yield p.fraud ? { event, fraud: p.fraud } : { event };
    }
  }

  function payment(
    c: Customer,
    terminal: number,
    at: number,
    amount: number,
    device: { id: string; userAgent: string },
    ip: string,
    fraud?: FraudScenario,
  ): Pending {
    return {
      at,
      fraud,
      build: () => ({
        type: 'transaction',
        userId: user(c),
        amount,
        currency: 'EUR',
        merchantId: merchant(terminal),
        ip,
        deviceId: device.id,
        userAgent: device.userAgent,
      }),
    };
  }
}

function chargebackOf(payment: SimulatedEvent['event'], fields: readonly ChargebackField[]): Omit<SimulatedEvent['event'], 'eventId' | 'occurredAt'> {
  const { amount, merchantId, userId, occurredAt, eventId } = payment;
  return {
    type: 'chargeback',
    userId,
    ...(fields.includes('amount') ? { amount, currency: 'EUR' } : {}),
    ...(fields.includes('merchant') ? { merchantId } : {}),
    properties: { originalEventId: eventId, ...(fields.includes('time') ? { originalOccurredAt: occurredAt } : {}) },
  };
}

/**
 * The event with its id, and the id its chargeback disputes, behind `prefix`: a run of its own, since
 * ingest remembers event ids (its dedupe window) across runs. With `actors`, its user and merchant
 * too: a run that starts the calendar again needs windows of its own, or its events are late.
 */
export function withIdPrefix(event: SimulatedEvent['event'], prefix: string, { actors = false } = {}): SimulatedEvent['event'] {
  const disputed = event.properties?.originalEventId;
  return {
    ...event,
    eventId: `${prefix}${event.eventId}`,
    ...(actors ? { userId: `${prefix}${event.userId}`, ...(event.merchantId ? { merchantId: `${prefix}${event.merchantId}` } : {}) } : {}),
    ...(typeof disputed === 'string' ? { properties: { ...event.properties, originalEventId: `${prefix}${disputed}` } } : {}),
  };
}

/** What a customer does on the shop before paying: sometimes a login, a page view, a cart. */
function clickstream(random: Random, c: Customer, paymentAt: number, dayStart: number, device: { id: string; userAgent: string }, ip: string): Pending[] {
  const userId = `C${c.id}`;
  const before = (low: number, high: number) => Math.max(dayStart, paymentAt - random.uniform(low, high));
  const session = { ip, deviceId: device.id, userAgent: device.userAgent };
  const events: Pending[] = [];
  if (random.next() < 0.5) events.push({ at: Math.round(before(300, 900)), build: () => ({ type: 'login', userId, ...session }) });
  if (random.next() < 0.6) {
    const category = random.pick(CATEGORIES);
    events.push({ at: Math.round(before(30, 300)), build: () => ({ type: 'page_view', userId, ...session, properties: { category } }) });
  }
  if (random.next() < 0.3) events.push({ at: Math.round(before(5, 30)), build: () => ({ type: 'add_to_cart', userId, ...session }) });
  return events;
}

import { compileFeature, type FeatureConfig, type FeatureContext, type FeatureFunction } from './feature-catalogue';
import type { FeatureEvent } from './feature-event';
import type { MerchantState } from './merchant-state';
import type { UserState } from './user-state';

export interface ProcessedEvent {
  /** Older than the grace behind the user's latest event: scored, but its windows were not updated. */
  late: boolean;
  /** The requested features, in the order they were named. */
  values: number[];
}

/**
 * Computes a fixed, ordered list of features (a model manifest's, plus those rules read) and applies
 * each event to its user's and merchant's state. The one implementation online scoring and offline
 * training share, so their feature values cannot drift apart.
 *
 * Order per event: facts about the past (previous event, new device) are read first; the event is
 * then applied, so windowed aggregates include the event itself, as in the handbook's features.
 */
export class FeatureEngine {
  private readonly functions: FeatureFunction[];
  private readonly context: FeatureContext;

  constructor(readonly names: readonly string[], readonly config: FeatureConfig) {
    const compiled = names.map((name) => compileFeature(name));
    const problems = compiled.filter((f): f is string => typeof f === 'string');
    if (problems.length > 0) throw new Error(`unknown or unserved features: ${problems.join('; ')}`);
    this.functions = compiled as FeatureFunction[];
    this.context = { event: null as unknown as FeatureEvent, user: null as unknown as UserState, merchant: null, config, before: { previousTime: undefined, previousLocated: undefined, newDevice: false, newCountry: false } };
  }

  process(event: FeatureEvent, user: UserState, merchant: MerchantState | null): ProcessedEvent {
    const values = new Array<number>(this.functions.length);
    const late = this.processInto(event, user, merchant, values, 0);
    return { late, values };
  }

  /** As process(), writing the values into `row` from `offset` (a batch's matrix): no allocation per event. Returns whether the event was late. */
  processInto(event: FeatureEvent, user: UserState, merchant: MerchantState | null, row: { [index: number]: number }, offset: number): boolean {
    const late = user.watermark - event.time > this.config.graceMs;
    // One context, refilled per event: the engine runs synchronously, and a fresh object per event is garbage.
    const context = this.context;
    context.event = event;
    context.user = user;
    context.merchant = merchant;
    context.before.previousTime = user.previousTime(event.time);
    context.before.previousLocated = user.previousLocated(event.time);
    context.before.newDevice = event.deviceId !== null && !user.has('v', event.deviceId);
    context.before.newCountry = event.country !== null && !user.has('c', event.country);
    if (!late) {
      // A chargeback is a label about a past transaction, not the user's activity.
      if (event.type !== 'chargeback') user.apply(event, this.config.graceMs);
      if (merchant && event.type === 'transaction') merchant.add('t', event.time);
    }
    // Labels count whenever they come: a chargeback is days late by nature.
    if (merchant && event.type === 'chargeback' && event.disputedAt !== null) merchant.add('f', event.disputedAt);
    for (let f = 0; f < this.functions.length; f++) row[offset + f] = this.functions[f](context);
    return late;
  }
}

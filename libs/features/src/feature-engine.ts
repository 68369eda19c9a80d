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

  constructor(readonly names: readonly string[], readonly config: FeatureConfig) {
    const compiled = names.map((name) => compileFeature(name));
    const problems = compiled.filter((f): f is string => typeof f === 'string');
    if (problems.length > 0) throw new Error(`unknown or unserved features: ${problems.join('; ')}`);
    this.functions = compiled as FeatureFunction[];
  }

  process(event: FeatureEvent, user: UserState, merchant: MerchantState | null): ProcessedEvent {
    const late = user.watermark - event.time > this.config.graceMs;
    const context: FeatureContext = {
      event,
      user,
      merchant,
      config: this.config,
      before: {
        previousTime: user.previousTime(event.time),
        previousLocated: user.previousLocated(event.time),
        newDevice: event.deviceId !== null && !user.has('v', event.deviceId),
        newCountry: event.country !== null && !user.has('c', event.country),
      },
    };
    if (!late) {
      // A chargeback is a label about a past transaction, not the user's activity.
      if (event.type !== 'chargeback') user.apply(event, this.config.graceMs);
      if (merchant && event.type === 'transaction') merchant.add('t', event.time);
    }
    // Labels count whenever they come: a chargeback is days late by nature.
    if (merchant && event.type === 'chargeback' && event.disputedAt !== null) merchant.add('f', event.disputedAt);
    return { late, values: this.functions.map((f) => f(context)) };
  }
}

import { compileFeature, type FeatureConfig, type FeatureContext, type FeatureFunction } from './feature-catalogue';
import type { FeatureEvent } from './feature-event';
import type { MerchantState } from './merchant-state';
import type { UserState } from './user-state';

/** What happened to an event's state: applied, or left alone because it is late or a copy of one applied. */
export type EventFate = 'applied' | 'late' | 'duplicate';

export interface ProcessedEvent {
  /** `late`: older than the grace behind the user's latest event; `duplicate`: its id was applied lately. Either is scored, but changes no state. */
  fate: EventFate;
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

  constructor(
    readonly names: readonly string[],
    readonly config: FeatureConfig,
  ) {
    const compiled = names.map((name) => compileFeature(name));
    const problems = compiled.filter((f): f is string => typeof f === 'string');
    if (problems.length > 0) throw new Error(`unknown or unserved features: ${problems.join('; ')}`);
    this.functions = compiled as FeatureFunction[];
    this.context = {
      event: null as unknown as FeatureEvent,
      user: null as unknown as UserState,
      merchant: null,
      config,
      before: { previousTime: undefined, previousLocated: undefined, newDevice: false, newCountry: false },
    };
  }

  process(event: FeatureEvent, user: UserState, merchant: MerchantState | null): ProcessedEvent {
    const values = new Array<number>(this.functions.length);
    const fate = this.processInto(event, user, merchant, values, 0);
    return { fate, values };
  }

  /** As process(), writing the values into `row` from `offset` (a batch's matrix): no allocation per event. */
  processInto(event: FeatureEvent, user: UserState, merchant: MerchantState | null, row: { [index: number]: number }, offset: number): EventFate {
    const fate: EventFate = user.hasSeen(event.eventId)
      ? 'duplicate'
      : user.watermark - event.time > this.config.graceMs && event.type !== 'chargeback'
        ? 'late'
        : 'applied';
    // One context, refilled per event: the engine runs synchronously, and a fresh object per event is garbage.
    const context = this.context;
    context.event = event;
    context.user = user;
    context.merchant = merchant;
    context.before.previousTime = user.previousTime(event.time);
    context.before.previousLocated = user.previousLocated(event.time);
    context.before.newDevice = event.deviceId !== null && !user.has('v', event.deviceId);
    context.before.newCountry = event.country !== null && !user.has('c', event.country);
    if (fate === 'applied') {
      if (event.type === 'chargeback') {
        // A label about a past transaction, not the user's activity; it counts whenever it comes.
        user.remember(event);
        if (merchant && event.disputedAt !== null) merchant.add('f', event.disputedAt);
      } else {
        user.apply(event, this.config.graceMs);
        if (merchant && event.type === 'transaction') merchant.add('t', event.time);
      }
    }
    for (let f = 0; f < this.functions.length; f++) row[offset + f] = this.functions[f](context);
    return fate;
  }
}

import { createHash } from 'node:crypto';
import { DAY } from '@app/features';
import { alertField, binField, scoreBin, type Role } from './label-evaluation';

/**
 * How a transaction was scored, kept with its facts until a chargeback names it: which pair of models
 * scored it (EvaluationTally.pairOf), their score bins, and whether each was at its alert threshold.
 */
export interface ScoredMark {
  pair: string;
  live: number;
  shadow: number | null;
  /** Bit 1: the live score was at or above its alert threshold; bit 2: the shadow's. */
  alerts: number;
}

/** One day's counts of one pair to add to its hash. */
export interface EvaluationIncrements {
  pair: string;
  day: number;
  increments: Array<[string, number]>;
}

export interface ModelIdentity {
  id: string;
  version: string;
}

/**
 * A batch's additions to the label evaluation (label-evaluation.ts): its transactions' scores, and the
 * transactions its chargebacks named. Stored with the batch's state, so a redelivered batch adds nothing twice.
 */
export class EvaluationTally {
  private readonly days = new Map<string, Map<string, number>>();

  /**
   * The pair's name in keys and marks: a digest of the live and shadow models' ids and versions (no
   * shadow: the live one alone). Short, since every transaction of the dispute horizon keeps it.
   */
  static pairOf(live: ModelIdentity, shadow: ModelIdentity | null): string {
    const models = `${live.id}@${live.version}~${shadow ? `${shadow.id}@${shadow.version}` : ''}`;
    return createHash('sha256').update(models).digest('hex').slice(0, 10);
  }

  /** A transaction scored by the pair: counted in its day, and the mark to keep for its chargeback. */
  scored(pair: string, time: number, live: { score: number; alert: boolean }, shadow: { score: number; alert: boolean } | null): ScoredMark {
    const mark: ScoredMark = {
      pair,
      live: scoreBin(live.score),
      shadow: shadow ? scoreBin(shadow.score) : null,
      alerts: (live.alert ? 1 : 0) | (shadow?.alert ? 2 : 0),
    };
    this.count(mark, time, false);
    return mark;
  }

  /** A transaction a chargeback named, counted where it was scored. */
  labelled(mark: ScoredMark, time: number): void {
    this.count(mark, time, true);
  }

  get isEmpty(): boolean {
    return this.days.size === 0;
  }

  increments(): EvaluationIncrements[] {
    return [...this.days].map(([key, fields]) => {
      const at = key.lastIndexOf('|');
      return { pair: key.slice(0, at), day: Number(key.slice(at + 1)), increments: [...fields] };
    });
  }

  private count(mark: ScoredMark, time: number, labelled: boolean): void {
    const key = `${mark.pair}|${Math.floor(time / DAY)}`;
    const fields = this.days.get(key) ?? new Map<string, number>();
    this.days.set(key, fields);
    const add = (field: string) => fields.set(field, (fields.get(field) ?? 0) + 1);
    const roles: Array<[Role, number | null, number]> = [
      ['L', mark.live, 1],
      ['S', mark.shadow, 2],
    ];
    for (const [role, bin, bit] of roles) {
      if (bin === null) continue;
      add(binField(role, bin, labelled));
      if (mark.alerts & bit) add(alertField(role, labelled));
    }
  }
}

import { z } from 'zod';
import { compileRules, type Rule } from './rule';

/** What a rule would have done to the events scored lately (POST /v1/rules/preview): schema and type. */
export const rulePreviewSchema = z.object({
  /** Events looked at: the last ones this instance scored, at most its SCORING_PREVIEW_EVENTS. */
  events: z.number().int().min(0),
  /** Of those, the ones the rule fires on. */
  fired: z.number().int().min(0),
  /** Events whose features did not include every one the rule reads (computed by no model or rule of the time). */
  unevaluated: z.number().int().min(0),
  /** Those features. */
  missingFeatures: z.array(z.string()),
});

export type RulePreview = z.infer<typeof rulePreviewSchema>;

interface Entry {
  names: readonly string[];
  type: string;
  row: Float32Array;
}

/**
 * The feature rows of the last events this instance scored, in a ring: what a rule under edit is
 * previewed against (POST /v1/rules/preview) before it is saved. Rows keep their plan's feature names,
 * since a plan changes with the model and the rules.
 */
export class RecentScoredRows {
  private readonly entries: Entry[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** The scored events of a batch: `types[i]`'s features are row i of `matrix` (rows of `names.length` columns). */
  add(names: readonly string[], types: readonly string[], matrix: Float32Array): void {
    if (this.capacity === 0) return;
    const width = names.length;
    for (let i = 0; i < types.length; i++) {
      const values = matrix.subarray(i * width, (i + 1) * width);
      const entry = this.entries.length < this.capacity ? undefined : this.entries[this.next];
      // Once full, an entry of the same width is written over: no allocation per scored event.
      if (entry && entry.row.length === width) {
        entry.row.set(values);
        entry.names = names;
        entry.type = types[i];
      } else {
        const fresh = { names, type: types[i], row: values.slice() };
        if (entry) this.entries[this.next] = fresh;
        else this.entries.push(fresh);
      }
      this.next = (this.next + 1) % this.capacity;
    }
  }

  preview(rule: Rule): RulePreview {
    const enabled = { ...rule, enabled: true };
    const compiled = new Map<readonly string[], ReturnType<typeof compileRules>[number] | null>();
    const missing = new Set<string>();
    let fired = 0;
    let unevaluated = 0;
    for (const { names, type, row } of this.entries) {
      let test = compiled.get(names);
      if (test === undefined) {
        const absent = rule.when.map((c) => c.feature).filter((feature) => !names.includes(feature));
        absent.forEach((feature) => missing.add(feature));
        test = absent.length > 0 ? null : compileRules([enabled], names)[0];
        compiled.set(names, test);
      }
      if (test === null) unevaluated++;
      else if (test.test(type, row)) fired++;
    }
    return { events: this.entries.length, fired, unevaluated, missingFeatures: [...missing] };
  }
}

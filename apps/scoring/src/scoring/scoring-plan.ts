import { FeatureEngine, type FeatureConfig } from '@app/features';
import type { OnnxModel } from '@app/model';
import { EvaluationTally } from '../evaluation/evaluation-tally';
import { compileRules, ruleFeatures, type CompiledRule, type Rule } from '../rules/rule';

/**
 * What one batch scores with: a model, the rules, an optional shadow model, and a feature engine
 * computing the model's features (first, in manifest order) followed by any others the rules or
 * the shadow read.
 */
export class ScoringPlan {
  readonly engine: FeatureEngine;
  readonly rules: CompiledRule[];
  /** The live and shadow models' name in the label evaluation. */
  readonly evaluationPair: string;
  /** Per feature of the shadow's manifest, its column in the engine's rows. */
  private readonly shadowColumns: number[];

  constructor(
    readonly model: OnnxModel,
    readonly shadow: OnnxModel | null,
    readonly rulesVersion: string | null,
    rules: Rule[],
    config: FeatureConfig,
  ) {
    const names = [...model.manifest.features, ...ruleFeatures(rules, model.manifest.features)];
    for (const feature of shadow?.manifest.features ?? []) if (!names.includes(feature)) names.push(feature);
    this.engine = new FeatureEngine(names, config);
    this.rules = compileRules(rules, this.engine.names);
    this.shadowColumns = (shadow?.manifest.features ?? []).map((feature) => names.indexOf(feature));
    this.evaluationPair = EvaluationTally.pairOf(model, shadow);
  }

  get modelWidth(): number {
    return this.model.manifest.features.length;
  }

  /** The shadow's input for the first `count` rows of `matrix` (rows of the engine's width): its features, in its manifest's order. */
  shadowRows(matrix: Float32Array, count: number): Float32Array {
    const width = this.engine.names.length;
    const columns = this.shadowColumns;
    const rows = new Float32Array(count * columns.length);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < columns.length; j++) rows[i * columns.length + j] = matrix[i * width + columns[j]];
    }
    return rows;
  }
}

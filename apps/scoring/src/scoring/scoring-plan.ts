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
  private readonly modelTypes: ReadonlySet<string>;
  private readonly shadowTypes: ReadonlySet<string>;

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
    this.modelTypes = new Set(model.manifest.eventTypes);
    this.shadowTypes = new Set(shadow?.manifest.eventTypes ?? []);
  }

  get modelWidth(): number {
    return this.model.manifest.features.length;
  }

  /** Whether the live model scores events of this type (its manifest's eventTypes, the types it was trained on). */
  modelScores(type: string): boolean {
    return this.modelTypes.has(type);
  }

  shadowScores(type: string): boolean {
    return this.shadowTypes.has(type);
  }

  /** The model's input: the given rows of `matrix` (rows of the engine's width), its columns only (the first modelWidth). */
  modelRows(matrix: Float32Array, rows: readonly number[]): Float32Array {
    const width = this.engine.names.length;
    const modelWidth = this.modelWidth;
    if (width === modelWidth && rows.every((row, i) => row === i)) return matrix; // model.score reads only the first rows.length
    const out = new Float32Array(rows.length * modelWidth);
    rows.forEach((row, i) => out.set(matrix.subarray(row * width, row * width + modelWidth), i * modelWidth));
    return out;
  }

  /** The shadow's input for the given rows of `matrix` (rows of the engine's width): its features, in its manifest's order. */
  shadowRows(matrix: Float32Array, rows: readonly number[]): Float32Array {
    const width = this.engine.names.length;
    const columns = this.shadowColumns;
    const out = new Float32Array(rows.length * columns.length);
    rows.forEach((row, i) => {
      for (let j = 0; j < columns.length; j++) out[i * columns.length + j] = matrix[row * width + columns[j]];
    });
    return out;
  }
}

import { FeatureEngine, type FeatureConfig } from '@app/features';
import type { OnnxModel } from '@app/model';
import { compileRules, ruleFeatures, type CompiledRule, type Rule } from '../rules/rule';

/**
 * What one batch scores with: a model, the rules, and a feature engine computing the model's
 * features (first, in manifest order) followed by any others the rules read.
 */
export class ScoringPlan {
  readonly engine: FeatureEngine;
  readonly rules: CompiledRule[];

  constructor(readonly model: OnnxModel, readonly rulesVersion: string | null, rules: Rule[], config: FeatureConfig) {
    const modelFeatures = model.manifest.features;
    this.engine = new FeatureEngine([...modelFeatures, ...ruleFeatures(rules, modelFeatures)], config);
    this.rules = compileRules(rules, this.engine.names);
  }

  get modelWidth(): number {
    return this.model.manifest.features.length;
  }
}

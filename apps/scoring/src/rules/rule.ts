import { z } from 'zod';
import { compileFeature } from '@app/features';

export const RULE_ACTIONS = ['review', 'block', 'alert'] as const;
export const RULE_OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;

/** A rule over features: all conditions must hold. Changed at runtime through PUT /v1/rules/{id}. */
export const ruleInput = z
  .object({
    description: z.string().max(500).optional(),
    enabled: z.boolean().default(true),
    /** Only events of these types (default: every scored type). */
    eventTypes: z.array(z.string().min(1).max(64)).max(20).optional(),
    when: z
      .array(
        z
          .object({
            feature: z.string().superRefine((name, ctx) => {
              const compiled = compileFeature(name);
              if (typeof compiled === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: compiled });
            }),
            op: z.enum(RULE_OPERATORS, { errorMap: () => ({ message: `must be one of ${RULE_OPERATORS.join(' ')}` }) }),
            value: z.number({ invalid_type_error: 'must be a number' }).finite(),
          })
          .strict(),
      )
      .min(1, 'must hold at least one condition')
      .max(20),
    /** review or block set the decision at least that high; alert reviews and raises an alert. block alerts too. */
    action: z.enum(RULE_ACTIONS, { errorMap: () => ({ message: `must be one of ${RULE_ACTIONS.join(', ')}` }) }),
    /** The reason code a firing rule adds to the score, e.g. VELOCITY_10M. */
    reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be UPPER_SNAKE_CASE, 2-64 characters'),
  })
  .strict();

export const RULE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A rule as the API answers it: what was sent, with its id (and enabled filled in). */
export const ruleView = ruleInput.extend({ id: z.string().regex(RULE_ID) });

export type Rule = z.infer<typeof ruleInput> & { id: string };

export type Condition = Rule['when'][number];

const compare: Record<Condition['op'], (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** A rule ready to test against an event's feature row: conditions resolved to column positions. */
export interface CompiledRule {
  rule: Rule;
  test(type: string, row: ArrayLike<number>): Condition | null;
}

/**
 * Resolves each rule's features to columns of `featureNames` (which must hold them all). A firing
 * rule returns its first condition, for the reason's detail.
 */
export function compileRules(rules: Rule[], featureNames: readonly string[]): CompiledRule[] {
  return rules
    .filter((rule) => rule.enabled)
    .map((rule) => {
      const columns = rule.when.map((c) => featureNames.indexOf(c.feature));
      const types = rule.eventTypes ? new Set(rule.eventTypes) : null;
      return {
        rule,
        test(type, row) {
          if (types && !types.has(type)) return null;
          for (let i = 0; i < rule.when.length; i++) if (!compare[rule.when[i].op](row[columns[i]], rule.when[i].value)) return null;
          return rule.when[0];
        },
      };
    });
}

/** The features rules read beyond `known`, so the engine computes them too. */
export function ruleFeatures(rules: Rule[], known: readonly string[]): string[] {
  const extra = new Set<string>();
  for (const rule of rules) for (const c of rule.when) if (!known.includes(c.feature)) extra.add(c.feature);
  return [...extra];
}

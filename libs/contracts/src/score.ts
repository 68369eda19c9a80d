/** What the scoring service publishes on `scores` for every scored event (DESIGN.md, "Score"). */
export interface Score {
  eventId: string;
  userId: string;
  /** The event's own time, so consumers can order scores of one user. */
  occurredAt: string;
  model: { id: string; version: string };
  /** Probability-like risk in [0, 1]. */
  score: number;
  decision: 'allow' | 'review' | 'block';
  /** True when the score or a rule raised an alert for this event. */
  alert: boolean;
  reasons: Array<{ code: string; detail?: string }>;
  scoredAt: string;
  /**
   * The model's input, by feature name, null where the feature is missing (merchant features of an
   * event without a merchant): only when the service runs with SCORING_EMIT_FEATURES (parity checks,
   * training from served features).
   */
  features?: Record<string, number | null>;
  /**
   * A shadow model's opinion of the same event, when one is scored beside the live model (PUT
   * /v1/models/shadow): its score, and the decision and alert it would have made under the same
   * rules. Reported only: it decides nothing and raises no alert.
   */
  shadow?: { model: { id: string; version: string }; score: number; decision: 'allow' | 'review' | 'block'; alert: boolean };
}

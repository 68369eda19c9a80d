import { passesFastCheck } from './event-in.fast-check';
import { describeZodIssues } from './zod-issues';
import { DEFAULT_EVENT_TIME_BOUNDS, eventInSchema, type EventIn, type EventTimeBounds } from './event-in.schema';

export type EventValidation = { ok: true; event: EventIn } | { ok: false; reasons: string[] };

/** Validates events against the contract; the reasons name each bad field, for the sender to fix. */
export class EventValidator {
  private readonly schema;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly bounds: EventTimeBounds = DEFAULT_EVENT_TIME_BOUNDS,
  ) {
    this.schema = eventInSchema(now, bounds);
  }

  /** A valid event comes back as the same object (not a copy); an invalid one with its reasons. */
  validate(input: unknown): EventValidation {
    if (passesFastCheck(input, this.now(), this.bounds)) return { ok: true, event: input };
    const result = this.schema.safeParse(input);
    return result.success
      ? { ok: true, event: result.data }
      : { ok: false, reasons: describeZodIssues(result.error, { unknownField: 'is not a field of an event' }) };
  }
}

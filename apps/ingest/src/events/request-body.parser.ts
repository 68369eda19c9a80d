/** What POST /v1/events accepts: one event, a JSON array of events, or NDJSON (one event per line). */
export type ParsedBody = { ok: true; items: unknown[] } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const JSON_TYPES = new Set(['application/json']);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);

/**
 * Parses a request body into event candidates. Each NDJSON line stands alone: a broken line becomes
 * an item that fails validation (reported per index) instead of failing the lines around it.
 */
export function parseRequestBody(contentType: string | undefined, body: Buffer, maxEvents: number): ParsedBody {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!JSON_TYPES.has(type) && !NDJSON_TYPES.has(type)) {
    return { ok: false, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json (one event or an array) or application/x-ndjson (one event per line)' };
  }
  const text = body.toString('utf8');
  let items: unknown[];
  if (JSON_TYPES.has(type)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, status: 400, code: 'MALFORMED_JSON', message: `the body is not valid JSON: ${(error as Error).message}` };
    }
    items = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    items = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map((line) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (error) {
          return new MalformedLine(line, (error as Error).message);
        }
      });
  }
  if (items.length === 0) return { ok: false, status: 400, code: 'EMPTY_BATCH', message: 'the body holds no events' };
  if (items.length > maxEvents) return { ok: false, status: 413, code: 'TOO_MANY_EVENTS', message: `at most ${maxEvents} events per request, got ${items.length}` };
  return { ok: true, items };
}

/** An NDJSON line that is not JSON; validation reports it with this reason. */
export class MalformedLine {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

/** What POST /v1/events accepts: one event, a JSON array of events, or NDJSON (one event per line). */
export type ParsedBody = { ok: true; items: unknown[] } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const JSON_TYPES = new Set(['application/json']);
/** An event is an object whose properties hold plain values: two levels. Deeper input is refused before anything walks it recursively. */
const MAX_EVENT_DEPTH = 4;
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);

/**
 * Parses a request body into event candidates. Each NDJSON line stands alone: a broken line becomes
 * an item that fails validation (reported per index) instead of failing the lines around it.
 */
export function parseRequestBody(contentType: string | undefined, body: Buffer, maxEvents: number): ParsedBody {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!JSON_TYPES.has(type) && !NDJSON_TYPES.has(type)) {
    return {
      ok: false,
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'send application/json (one event or an array) or application/x-ndjson (one event per line)',
    };
  }
  let items: unknown[];
  if (JSON_TYPES.has(type)) {
    const text = body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, status: 400, code: 'MALFORMED_JSON', message: `the body is not valid JSON: ${(error as Error).message}` };
    }
    items = (Array.isArray(parsed) ? parsed : [parsed]).map((item) => (nestedDeeperThan(item, MAX_EVENT_DEPTH) ? tooDeep(text.slice(0, 1_000)) : item));
  } else {
    items = [];
    for (const line of ndjsonLines(body)) {
      try {
        const item = JSON.parse(line) as unknown;
        items.push(nestedDeeperThan(item, MAX_EVENT_DEPTH) ? tooDeep(line.slice(0, 1_000)) : item);
      } catch (error) {
        items.push(new MalformedLine(line, (error as Error).message));
      }
    }
  }
  if (items.length === 0) return { ok: false, status: 400, code: 'EMPTY_BATCH', message: 'the body holds no events' };
  if (items.length > maxEvents)
    return { ok: false, status: 413, code: 'TOO_MANY_EVENTS', message: `at most ${maxEvents} events per request, got ${items.length}` };
  return { ok: true, items };
}

/**
 * The body's non-blank lines, each decoded on its own. Decoding the whole body first made one string of
 * it, which above 128 KB V8 places in memory of its own, mapped afresh and faulted in page by page for
 * every request (and split, it stayed alive as long as any line did). A newline byte is never part of a
 * multi-byte UTF-8 character, so the lines can be cut in the bytes.
 */
function* ndjsonLines(body: Buffer): Generator<string> {
  for (let start = 0; start < body.length;) {
    const newline = body.indexOf(0x0a, start);
    const end = newline === -1 ? body.length : newline;
    const line = body.toString('utf8', start, end).trim();
    if (line.length > 0) yield line;
    start = end + 1;
  }
}

const tooDeep = (text: string) =>
  new MalformedLine(text, `nested more than ${MAX_EVENT_DEPTH} levels deep: an event is an object whose properties hold plain values`);

/** Whether `value` nests objects or arrays more than `max` levels deep; walked without recursion, and only as deep as `max`. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** An NDJSON line that is not JSON; validation reports it with this reason. */
export class MalformedLine {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

import { MalformedLine, nestedDeeperThan, parseRequestBody } from './request-body.parser';

const body = (text: string) => Buffer.from(text, 'utf8');

describe('parseRequestBody', () => {
  it('reads one JSON event as a batch of one', () => {
    expect(parseRequestBody('application/json', body('{"a":1}'), 10)).toEqual({ ok: true, items: [{ a: 1 }] });
  });

  it('reads a JSON array, charset and all', () => {
    expect(parseRequestBody('application/json; charset=utf-8', body('[{"a":1},{"a":2}]'), 10)).toEqual({ ok: true, items: [{ a: 1 }, { a: 2 }] });
  });

  it('reads NDJSON line by line, keeping a broken line as its own item', () => {
    const parsed = parseRequestBody('application/x-ndjson', body('{"a":1}\n\n{broken\r\n{"a":3}\n'), 10);
    expect(parsed.ok && parsed.items.length).toBe(3);
    expect(parsed.ok && parsed.items[1]).toBeInstanceOf(MalformedLine);
    expect(parsed.ok && parsed.items[2]).toEqual({ a: 3 });
  });

  it('reads NDJSON lines of any characters, the last one without its newline', () => {
    const parsed = parseRequestBody('application/x-ndjson', body('{"city":"Zürich"}\n{"name":"東京 🚀"}'), 10);
    expect(parsed).toEqual({ ok: true, items: [{ city: 'Zürich' }, { name: '東京 🚀' }] });
  });

  it('refuses, as an item with its reason, an event nested deeper than an event can be, however deep', () => {
    for (const type of ['application/json', 'application/x-ndjson']) {
      const parsed = parseRequestBody(type, body('['.repeat(100_000) + ']'.repeat(100_000)), 10);
      expect(parsed.ok && parsed.items[0]).toEqual(expect.objectContaining({ reason: expect.stringMatching(/^nested more than 4 levels deep/) }));
    }
    expect(nestedDeeperThan({ type: 'login', properties: { category: 'shoes' } }, 4)).toBe(false);
    expect(nestedDeeperThan({ a: { b: { c: { d: {} } } } }, 4)).toBe(true);
    expect(nestedDeeperThan([[[[1]]]], 4)).toBe(false);
  });

  it.each([
    ['text/plain', '{"a":1}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [undefined, '{"a":1}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/json', '{"a":', 400, 'MALFORMED_JSON'],
    ['application/json', '[]', 400, 'EMPTY_BATCH'],
    ['application/x-ndjson', '\n\n', 400, 'EMPTY_BATCH'],
    ['application/json', JSON.stringify(Array.from({ length: 11 }, () => ({}))), 413, 'TOO_MANY_EVENTS'],
  ])('answers %s %j with %i %s', (type, text, status, code) => {
    expect(parseRequestBody(type, body(text), 10)).toMatchObject({ ok: false, status, code });
  });
});

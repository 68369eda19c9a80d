import { Writable } from 'node:stream';
import { createLogger } from './create-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and a textual level', () => {
    const { lines, stream } = capture();
    createLogger('ingest', 'info', stream).info({ eventId: 'e-1' }, 'accepted');
    expect(lines[0]).toMatchObject({ service: 'ingest', level: 'info', eventId: 'e-1', msg: 'accepted' });
    expect(typeof lines[0].time).toBe('string');
  });

  it('redacts API keys, authorization headers and secrets', () => {
    const { lines, stream } = capture();
    createLogger('alerts', 'info', stream).info(
      { req: { headers: { authorization: 'Bearer top-secret-key' } }, endpoint: { secret: 'whsec_abc', url: 'https://x' }, config: { API_KEYS: ['k1'] } },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('top-secret-key');
    expect(text).not.toContain('whsec_abc');
    expect(text).not.toContain('k1');
    expect(text).toContain('https://x');
  });

  it("redacts a database error's parameters and failing row, keeping its message", () => {
    const { lines, stream } = capture();
    const detail = 'Failing row contains (6f1c, http://x, whsec_row)';
    const error = Object.assign(new Error('new row violates check constraint "c"'), {
      query: 'INSERT INTO t VALUES ($1)',
      parameters: ['whsec_param'],
      detail,
      driverError: { code: '23514', detail },
    });
    createLogger('alerts', 'info', stream).error({ err: error }, 'failed');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('whsec_');
    expect(lines[0]).toMatchObject({
      err: { message: 'new row violates check constraint "c"', query: 'INSERT INTO t VALUES ($1)', driverError: { code: '23514' } },
    });
  });
});

import { Writable } from 'node:stream';
import { createLogger } from './create-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
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
});

import fs from 'node:fs';

export interface AccessLine {
  req: { method: string; url: string };
  res: { statusCode: number };
}

/**
 * The HTTP access lines (pino-http's: `component: http`, with the response) the in-process services write to stdout while
 * `act` runs. Their logger writes synchronously (fs.writeSync on fd 1), which this takes meanwhile.
 */
export async function accessLogLines(act: () => Promise<unknown>): Promise<AccessLine[]> {
  const chunks: string[] = [];
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (fd !== 1) return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
    const text = String(data);
    chunks.push(text);
    return Buffer.byteLength(text); // taken, not printed: the test's output stays readable
  }) as typeof fs.writeSync;
  try {
    await act();
  } finally {
    fs.writeSync = writeSync;
  }
  return chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"component":"http"'))
    .map((line) => JSON.parse(line) as Partial<AccessLine>)
    .filter((line): line is AccessLine => line.res !== undefined);
}

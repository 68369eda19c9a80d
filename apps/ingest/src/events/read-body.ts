import type { IncomingMessage } from 'node:http';

/** Reads a request body up to `maxBytes`; resolves null as soon as it is longer (the caller answers 413). */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        request.resume(); // drain the rest so the connection can answer
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
    });
    request.on('error', reject);
  });
}

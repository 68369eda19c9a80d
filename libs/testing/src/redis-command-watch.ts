import { connect } from 'node:net';

export interface WatchedCommand {
  /** The command's name, lower case. */
  name: string;
  args: string[];
  /** The client's address as Redis sees it ("127.0.0.1:52614"): one per connection. */
  source: string;
}

export interface RedisCommandWatch {
  close(): void;
}

/**
 * Every command Redis executes, from its MONITOR, read over a socket of our own: ioredis's monitor mode
 * loses track of its replies when lines arrive fast ("Command queue state error" when other tests share
 * the server), and a line of MONITOR is simple to read. Resolves once Redis has answered MONITOR, so
 * every command after that is seen.
 */
export function watchRedisCommands(url: string, onCommand: (command: WatchedCommand) => void): Promise<RedisCommandWatch> {
  const { hostname, port, username, password } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  const auth = password ? [`AUTH ${username ? `${decodeURIComponent(username)} ` : ''}${decodeURIComponent(password)}`] : [];
  let okToCome = auth.length + 1;
  let buffered = '';
  return new Promise((resolve, reject) => {
    socket.on('error', reject); // after MONITOR's answer, a lost socket shows as commands not seen
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write([...auth, 'MONITOR', ''].join('\r\n')));
    socket.on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('-')) {
          socket.destroy(); // left open, it would keep the test process alive
          return reject(new Error(`Redis refused AUTH or MONITOR: ${line.slice(1)}`));
        }
        if (okToCome > 0) {
          if (line === '+OK' && --okToCome === 0) resolve({ close: () => socket.destroy() });
          continue;
        }
        const command = monitorLine(line);
        if (command) onCommand(command);
      }
    });
  });
}

/** `+1796583954.950481 [15 127.0.0.1:33016] "xack" "stream" "group" "1-0"`: arguments quoted, escaped as C strings. */
function monitorLine(line: string): WatchedCommand | undefined {
  const head = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] /.exec(line);
  if (!head) return undefined;
  const args = [...line.slice(head[0].length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescapeArg(m[1]));
  if (args.length === 0) return undefined;
  return { name: args[0].toLowerCase(), args, source: head[1] };
}

function unescapeArg(quoted: string): string {
  return quoted.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, escaped: string) =>
    escaped.length === 3 ? String.fromCharCode(parseInt(escaped.slice(1), 16)) : (ESCAPES[escaped] ?? escaped),
  );
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };

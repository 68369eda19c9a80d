import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually';
import { freePort } from './free-port';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../../..');

/** A server a test starts for itself, because it restarts or kills it. */
export interface OwnedServer {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** A persistent Redis (AOF, fsync on every write) on a free port, in a temporary folder. */
export async function startOwnedRedis(): Promise<OwnedServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
    await eventually(() => run('redis-cli', ['-p', String(port), 'ping']), { timeoutMs: 10_000 });
  };
  const kill = async () => {
    if (!child) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    child = undefined;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, kill, dispose: async () => { await kill(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A second Kafka broker (KRaft) from the cached jars, on free ports, in a temporary folder. */
export async function startOwnedKafka(): Promise<OwnedServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-kafka-'));
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_DATA_DIR: dir, KAFKA_HEAP: '512m' };
  const script = join(repoRoot, 'scripts/kafka.sh');
  const start = async () => void (await run('bash', [script, 'start'], { env }));
  const kill = async () => void (await run('bash', [script, 'kill'], { env }));
  await start();
  return { url: `127.0.0.1:${port}`, start, kill, dispose: async () => { await kill(); rmSync(dir, { recursive: true, force: true }); } };
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually';
import type { KafkaSettings } from '@app/bus';
import { freePort, freePorts } from './free-port';
import { SECURED_KAFKA_USER, securedKafkaSettings } from './test-env';

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
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      { stdio: 'ignore' },
    );
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
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    dispose: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second Kafka broker (KRaft) from the cached jars, on free ports, in a temporary folder. With
 * `saslSsl`, `url` is its SASL_SSL listener (`kafka+ssl://`) and `kafka` the settings to reach it.
 */
export async function startOwnedKafka(options: { saslSsl?: boolean } = {}): Promise<OwnedServer & { kafka: KafkaSettings }> {
  const [port, controllerPort, saslSslPort] = await freePorts(3);
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dir,
    KAFKA_HEAP: '512m',
    // Set either way: npm test exports the shared broker's SASL_SSL port, which this one must not take.
    KAFKA_SASL_SSL_PORT: options.saslSsl ? String(saslSslPort) : '',
    KAFKA_SASL_USERNAME: SECURED_KAFKA_USER.username,
    KAFKA_SASL_PASSWORD: SECURED_KAFKA_USER.password,
  };
  const script = join(repoRoot, 'scripts/kafka.sh');
  const start = async () => void (await run('bash', [script, 'start'], { env }));
  const kill = async () => void (await run('bash', [script, 'kill'], { env }));
  await start();
  return {
    url: options.saslSsl ? `kafka+ssl://127.0.0.1:${saslSslPort}` : `127.0.0.1:${port}`,
    kafka: options.saslSsl ? securedKafkaSettings(join(dir, 'tls/ca.crt')) : {},
    start,
    kill,
    dispose: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Postgres cluster of the test's own (initdb in a temporary folder, trust auth, a free port), for
 * tests that crash it. `kill` is an immediate shutdown: no checkpoint, WAL recovery at the next start.
 * Postgres refuses to run as root, so under root its commands run as the `postgres` user.
 */
export async function startOwnedPostgres(): Promise<OwnedServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-postgres-'));
  const bin = (await run('pg_config', ['--bindir'])).stdout.trim();
  const asOwner = process.getuid?.() === 0;
  const pg = (command: string, args: string[]) =>
    asOwner ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args);
  if (asOwner) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout), Number(gid));
  }
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = async () =>
    void (await pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']));
  const kill = async () => void (await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined));
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    kill,
    dispose: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';

/**
 * Bytes an argument writes straight into the command's frame when it is built (packed records:
 * packed-records.ts), instead of being made into a Buffer of its own first and copied.
 */
export interface FramePart {
  readonly byteLength: number;
  /** Writes the part's bytes at `at`; returns the offset after them. */
  writeInto(target: Buffer, at: number): number;
}

export type ScriptArgument = string | number | Buffer | FramePart;

/**
 * A Lua script whose calls carry many arguments, sent as one frame encoded here instead of by ioredis.
 * ioredis encodes a command argument by argument (a buffer part, a length, a copy each: ~0.4 µs an
 * argument), and scoring's state write passes ~11 arguments per event: ~0.4 ms of every call of 100
 * events went to encoding alone. The frame is the same bytes (framed-script.spec.ts).
 */
export class FramedScript {
  private readonly sha: string;
  /** The connections' sockets this script was loaded on: a new socket may be a restarted Redis. */
  private readonly loadedOn = new WeakSet<object>();

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /**
   * EVALSHA with these keys and arguments, written on this tick when the connection is up (as ioredis's
   * own commands are), so that Redis runs it in the order it was sent among the connection's commands
   * (merchant-increment-ledger.ts counts on it). On a socket it has not run on yet, `SCRIPT LOAD` goes
   * out just before it: a Redis that restarted holds no scripts. One that lost them otherwise (flushed)
   * answers NOSCRIPT, and gets the script loaded and the same frame again, a tick later.
   */
  async run(redis: Redis, keys: readonly string[], args: readonly ScriptArgument[]): Promise<unknown> {
    const frame = respFrame([['EVALSHA', this.sha, keys.length], keys, args]);
    // Not ready: the LOAD and the call wait in ioredis's queue, in order, for whichever socket comes.
    const socket = redis.status === 'ready' ? (redis.stream as object) : undefined;
    if (!socket || !this.loadedOn.has(socket)) {
      if (socket) this.loadedOn.add(socket);
      redis.script('LOAD', this.lua).catch(() => socket && this.loadedOn.delete(socket)); // the EVALSHA's own failure is the one reported
    }
    try {
      return await redis.sendCommand(new FramedCommand(frame));
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      await redis.script('LOAD', this.lua);
      return redis.sendCommand(new FramedCommand(frame));
    }
  }
}

/** A command that writes a frame made beforehand: ioredis sends it and parses its reply as any other (text as strings). */
class FramedCommand extends Command {
  constructor(private readonly frame: Buffer) {
    super('evalsha', [], { replyEncoding: 'utf8' });
  }

  override toWritable(): Buffer {
    return this.frame;
  }
}

/**
 * A command in RESP, its arguments given as lists in order, in one Buffer allocated once and written in
 * place: text encoded straight into it, Buffers copied, FrameParts written. No string of the whole
 * command is built first: joining ~11,000 arguments (scoring's state write for 1,000 events) and
 * flattening the result to encode it took more than twice the CPU of writing them in place
 * (docs/scoring.md, "The state write"). One allocation matters beyond the copy: where glibc maps every
 * block over its threshold afresh (ingest, docs/suite.md "Memory"), each copy of a frame is its pages
 * faulted in.
 */
export function respFrame(lists: ReadonlyArray<readonly ScriptArgument[]>): Buffer {
  let count = 0;
  for (const list of lists) count += list.length;
  const lengths = new Array<number>(count);
  let size = lengthLineSize(count);
  let i = 0;
  for (const list of lists)
    for (const arg of list) {
      const length =
        typeof arg === 'string' ? Buffer.byteLength(arg) : typeof arg === 'number' ? String(arg).length : Buffer.isBuffer(arg) ? arg.length : arg.byteLength;
      lengths[i++] = length;
      size += lengthLineSize(length) + length + 2;
    }
  const frame = Buffer.allocUnsafe(size);
  let at = writeLengthLine(frame, 0, ARRAY, count);
  i = 0;
  for (const list of lists)
    for (const arg of list) {
      const length = lengths[i++];
      at = writeLengthLine(frame, at, BULK_STRING, length);
      if (typeof arg === 'string') at += frame.write(arg, at, length);
      else if (typeof arg === 'number') at += frame.write(String(arg), at, length, 'latin1');
      else if (Buffer.isBuffer(arg)) at += arg.copy(frame, at);
      else at = arg.writeInto(frame, at);
      frame[at++] = CR;
      frame[at++] = LF;
    }
  return frame;
}

const ARRAY = 0x2a; // '*'
const BULK_STRING = 0x24; // '$'
const CR = 0x0d;
const LF = 0x0a;
const ZERO = 0x30;

/** The bytes of `*N\r\n` or `$N\r\n`. */
function lengthLineSize(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits + 3;
}

/** Writes `*N\r\n` or `$N\r\n` (N ≥ 0) at `at`, digit by digit; returns the offset after it. */
function writeLengthLine(frame: Buffer, at: number, marker: number, n: number): number {
  frame[at] = marker;
  const end = at + lengthLineSize(n) - 2;
  let rest = n;
  for (let digit = end - 1; digit > at; digit--) {
    frame[digit] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  frame[end] = CR;
  frame[end + 1] = LF;
  return end + 2;
}

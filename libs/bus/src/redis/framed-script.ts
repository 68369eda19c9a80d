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
 * A command in RESP, its arguments given as lists in order, in one Buffer allocated once: text runs are
 * joined into one string and encoded in place, Buffers copied, FrameParts written in place. One
 * allocation matters beyond the copy: a frame of records is tens of KB, and where glibc maps every
 * block over its threshold afresh (ingest, docs/suite.md "Memory"), each copy of it is its pages faulted in.
 */
export function respFrame(lists: ReadonlyArray<readonly ScriptArgument[]>): Buffer {
  let count = 0;
  for (const list of lists) count += list.length;
  const pieces: Array<string | Buffer | FramePart> = [];
  let size = 0;
  let text = `*${count}\r\n`;
  for (const list of lists)
    for (const arg of list) {
      if (typeof arg === 'string') text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      else if (typeof arg === 'number') {
        const digits = String(arg);
        text += `$${digits.length}\r\n${digits}\r\n`;
      } else {
        const length = Buffer.isBuffer(arg) ? arg.length : arg.byteLength;
        text += `$${length}\r\n`;
        pieces.push(text, arg);
        size += Buffer.byteLength(text) + length;
        text = '\r\n';
      }
    }
  pieces.push(text);
  size += Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') at += frame.write(piece, at);
    else if (Buffer.isBuffer(piece)) at += piece.copy(frame, at);
    else at = piece.writeInto(frame, at);
  }
  return frame;
}

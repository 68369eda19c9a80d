import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@app/platform';
import type { LakeConfig } from './lake.config';

/** A temporary file this old was left by a crash mid-write (a write takes well under a second). */
const STALE_TEMP_MS = 10 * 60_000;
const TEMP_SUFFIX = '.tmp';

/** The lake directory: the only place that touches its files. */
@Injectable()
export class LakeFilesRepository {
  readonly root: string;

  constructor(@Inject(APP_CONFIG) config: Pick<LakeConfig, 'LAKE_DIR'>) {
    this.root = resolve(config.LAKE_DIR);
  }

  /** Names of the files in a folder of the lake ([] when it does not exist yet); sweeps stale temporary files. */
  async list(folder: string): Promise<string[]> {
    const path = join(this.root, folder);
    const names = await readdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const name of names.filter((n) => n.startsWith('.') && n.endsWith(TEMP_SUFFIX))) {
      const info = await stat(join(path, name)).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(join(path, name), { force: true });
    }
    return names;
  }

  /**
   * Writes a file so that readers and a crash see all of it or none of it: a hidden temporary name
   * (readers' `*.parquet` globs and Spark skip dot-files), fsync, rename into place, fsync the folder.
   * Resolves only once the file would survive a power cut.
   */
  async writeAtomically(folder: string, name: string, bytes: Uint8Array): Promise<void> {
    const path = join(this.root, folder);
    await this.ensureFolder(path);
    const temp = join(path, `.${name}.${process.pid}${TEMP_SUFFIX}`);
    const file = await open(temp, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, join(path, name));
    await syncFolder(path);
  }

  private async ensureFolder(path: string): Promise<void> {
    const created = await mkdir(path, { recursive: true });
    if (!created) return;
    // New folders are entries of their parents: make each level durable, up to the first that existed.
    for (let folder = path; folder.length >= created.length; folder = dirname(folder)) await syncFolder(dirname(folder));
  }
}

async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

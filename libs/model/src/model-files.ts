import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from './model-manifest';

export type ManifestInput = Omit<ModelManifest, 'positiveClass' | 'file' | 'eventTypes'> & Partial<Pick<ModelManifest, 'positiveClass' | 'eventTypes'>>;

/**
 * Writes `model.onnx` and `manifest.json` into `dir` (the manifest last, each through a temporary
 * name), so a scorer loading the folder never sees a manifest without its model.
 */
export async function saveModel(dir: string, manifest: ManifestInput, onnxBytes: Uint8Array): Promise<string> {
  await mkdir(dir, { recursive: true });
  const write = async (name: string, data: Uint8Array | string) => {
    await writeFile(join(dir, `.${name}.tmp`), data);
    await rename(join(dir, `.${name}.tmp`), join(dir, name));
  };
  await write('model.onnx', onnxBytes);
  const path = join(dir, 'manifest.json');
  await write('manifest.json', `${JSON.stringify({ ...manifest, file: 'model.onnx' }, null, 2)}\n`);
  return path;
}

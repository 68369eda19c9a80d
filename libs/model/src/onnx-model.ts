import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelLoadError } from './model-load.error';
import { modelManifestSchema, type ModelManifest } from './model-manifest';
import { describeZodIssues } from '@app/contracts';

/**
 * An ONNX model checked against its manifest and ready to score whole batches: one session.run per
 * batch, because a call costs about as much as scoring a thousand rows.
 */
export class OnnxModel {
  private constructor(
    readonly manifest: ModelManifest,
    readonly manifestPath: string,
    private readonly session: InferenceSession,
    private readonly output: string,
  ) {}

  get id(): string {
    return this.manifest.id;
  }

  get version(): string {
    return this.manifest.version;
  }

  /** Reads, validates and opens a model; throws ModelLoadError naming every mismatch with the manifest. */
  static async load(manifestPath: string): Promise<OnnxModel> {
    const path = resolve(manifestPath);
    const manifest = await readManifest(path);
    const bytes = await readFile(resolve(dirname(path), manifest.file)).catch((error: Error) => {
      throw new ModelLoadError(path, `cannot read the ONNX file ${manifest.file}: ${error.message}`);
    });
    const { bytes: servable, output } = checkGraph(path, manifest, bytes);
    const session = await InferenceSession.create(servable, {
      // Scoring shares two cores with the bus client and Redis: one intra-op thread per session.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    }).catch((error: Error) => {
      throw new ModelLoadError(path, `onnxruntime cannot open it: ${error.message}`);
    });
    const model = new OnnxModel(manifest, path, session, output);
    await model.checkOutput();
    return model;
  }

  /** P(fraud) per row of `rows` (row-major, `count` rows of manifest.features.length values). */
  async score(rows: Float32Array, count: number): Promise<Float32Array> {
    if (count === 0) return new Float32Array(0);
    const width = this.manifest.features.length;
    const results = await this.session.run({ [this.manifest.input]: new Tensor('float32', rows.subarray(0, count * width), [count, width]) });
    const probabilities = results[this.output];
    const classes = probabilities.dims.length === 2 ? Number(probabilities.dims[1]) : 1;
    const data = probabilities.data as Float32Array;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = data[i * classes + (classes === 1 ? 0 : this.manifest.positiveClass)];
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private async checkOutput(): Promise<void> {
    const width = this.manifest.features.length;
    const row = Float32Array.from(this.manifest.baseline ?? new Array<number>(width).fill(0));
    const results = await this.session.run({ [this.manifest.input]: new Tensor('float32', row, [1, width]) }).catch((error: Error) => {
      throw new ModelLoadError(this.manifestPath, `a trial run failed: ${error.message}`);
    });
    const dims = results[this.output].dims;
    const classes = dims.length === 2 ? Number(dims[1]) : 1;
    if (results[this.output].type !== 'float32')
      throw new ModelLoadError(this.manifestPath, `output "${this.output}" must be float32 probabilities, is ${results[this.output].type}`);
    if (classes > 1 && this.manifest.positiveClass >= classes) {
      throw new ModelLoadError(this.manifestPath, `positiveClass ${this.manifest.positiveClass} is outside output "${this.output}" of ${classes} columns`);
    }
  }
}

async function readManifest(path: string): Promise<ModelManifest> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelLoadError(path, `cannot read the manifest: ${(error as Error).message}`);
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelLoadError(
      path,
      `invalid manifest: ${describeZodIssues(parsed.error, { whole: '(manifest)', unknownField: 'is not a field of a manifest' }).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Checks the graph's input and output against the manifest before onnxruntime sees it. A ZipMap
 * output (skl2onnx's default: a sequence of maps, which onnxruntime-node cannot return) is served
 * from the probability tensor that feeds it.
 */
function checkGraph(path: string, manifest: ModelManifest, bytes: Buffer): { bytes: Uint8Array; output: string } {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelLoadError(path, `not an ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph) throw new ModelLoadError(path, 'the ONNX file has no graph');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  const input = inputs.find((i) => i.name === manifest.input);
  if (!input) throw new ModelLoadError(path, `the manifest's input "${manifest.input}" is not a graph input (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  if (inputs.length !== 1) throw new ModelLoadError(path, `the graph takes ${inputs.length} inputs; a served model takes one float tensor`);
  const tensor = input.type?.tensorType;
  if (tensor?.elemType !== onnx.TensorProto.DataType.FLOAT) throw new ModelLoadError(path, `input "${manifest.input}" must be a float tensor`);
  const dims = tensor.shape?.dim ?? [];
  const width = dims.length === 2 ? dims[1] : undefined;
  if (dims.length !== 2 || (width?.dimValue != null && Number(width.dimValue) !== manifest.features.length)) {
    const shape = dims.map((d) => d.dimParam || String(d.dimValue ?? '?')).join(', ');
    throw new ModelLoadError(
      path,
      `input "${manifest.input}" has shape [${shape}]; the manifest names ${manifest.features.length} features, so it must be [N, ${manifest.features.length}]`,
    );
  }
  const outputs = graph.output ?? [];
  const output = outputs.find((o) => o.name === manifest.output);
  if (!output)
    throw new ModelLoadError(path, `the manifest's output "${manifest.output}" is not a graph output (outputs: ${outputs.map((o) => o.name).join(', ')})`);
  if (output.type?.tensorType) return { bytes, output: manifest.output };

  const zipMap = (graph.node ?? []).find((n) => n.opType === 'ZipMap' && (n.output ?? []).includes(manifest.output));
  if (!zipMap || !zipMap.input?.[0]) {
    throw new ModelLoadError(
      path,
      `output "${manifest.output}" is not a tensor. Re-export it with a probability tensor output (skl2onnx: options={id(model): {"zipmap": False}})`,
    );
  }
  const probabilities = zipMap.input[0];
  graph.node = (graph.node ?? []).filter((n) => n !== zipMap);
  graph.output = [...outputs.filter((o) => o !== output), { name: probabilities, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }];
  return { bytes: onnx.ModelProto.encode(model).finish(), output: probabilities };
}

import { onnx } from 'onnx-proto';

/**
 * Writes the model shapes common tools export (DESIGN.md, "Scoring"): a logistic regression in
 * standard operators, a random forest as ai.onnx.ml TreeEnsembleClassifier, and gradient-boosted
 * trees. All take one float tensor [N, features] and give `probabilities` [N, 2] (column 1 = fraud).
 * The training tool exports with these; tests build small models with them.
 */

const ONNX_IR_VERSION = 8;
const DEFAULT_OPSET = 17;
const ML_OPSET = 3;

export interface LogisticRegressionExport {
  inputName: string;
  /** One weight per feature, in the manifest's feature order. */
  weights: number[];
  intercept: number;
  /** Per-feature affine scaling applied before the weights (training standardised with these). */
  scale?: { mean: number[]; std: number[] };
}

export interface DecisionTree {
  /**
   * Internal nodes route left when `value <= threshold` (mode LEQ, the default) or `value < threshold`
   * (mode LT, XGBoost's). A missing value (NaN) goes `missing` (XGBoost's learned default branch;
   * right when unsaid, as a NaN comparison is false). Leaves hold P(fraud) to average, or a margin to
   * sum (see `aggregate`).
   */
  nodes: Array<{ feature: number; threshold: number; left: number; right: number; mode?: 'LEQ' | 'LT'; missing?: 'left' | 'right' } | { leaf: number }>;
}

export interface TreeEnsembleExport {
  inputName: string;
  featureCount: number;
  trees: DecisionTree[];

  /** Appends a ZipMap (sequence of maps) output, as skl2onnx does by default: for load-error tests. */
  zipMap?: boolean;
}

export function logisticRegressionModel(spec: LogisticRegressionExport): Uint8Array {
  const n = spec.weights.length;
  const nodes: onnx.INodeProto[] = [];
  let input = spec.inputName;
  const initializers = [floatTensor('W', [n, 1], spec.weights), floatTensor('B', [1], [spec.intercept]), floatTensor('one', [1], [1])];
  if (spec.scale) {
    initializers.push(
      floatTensor('mean', [n], spec.scale.mean),
      floatTensor(
        'std',
        [n],
        spec.scale.std.map((s) => (s > 0 ? s : 1)),
      ),
    );
    nodes.push(node('Sub', [input, 'mean'], ['centered']), node('Div', ['centered', 'std'], ['scaled']));
    input = 'scaled';
  }
  nodes.push(
    node('MatMul', [input, 'W'], ['logit_raw']),
    node('Add', ['logit_raw', 'B'], ['logit']),
    node('Sigmoid', ['logit'], ['p_fraud']),
    node('Sub', ['one', 'p_fraud'], ['p_legit']),
    node('Concat', ['p_legit', 'p_fraud'], ['probabilities'], [intAttribute('axis', 1)]),
  );
  return encode(
    graph('logistic_regression', nodes, initializers, spec.inputName, n, [tensorInfo('probabilities', onnx.TensorProto.DataType.FLOAT, ['N', 2])]),
    [{ domain: '', version: DEFAULT_OPSET }],
  );
}

export function treeEnsembleModel(spec: TreeEnsembleExport): Uint8Array {
  const share = 1 / spec.trees.length; // a random forest averages its trees' probabilities
  const leaves = { treeIds: [] as number[], nodeIds: [] as number[], classIds: [] as number[], weights: [] as number[] };
  const structure = treeAttributes(spec.trees, (treeId, nodeId, leaf) => {
    // Both classes get a weight, so the runtime reports [P(0), P(1)] as given (no binary shortcut).
    leaves.treeIds.push(treeId, treeId);
    leaves.nodeIds.push(nodeId, nodeId);
    leaves.classIds.push(0, 1);
    leaves.weights.push((1 - leaf) * share, leaf * share);
  });
  const ensemble = node(
    'TreeEnsembleClassifier',
    [spec.inputName],
    ['label', 'probabilities'],
    [
      ...structure,
      intsAttribute('class_treeids', leaves.treeIds),
      intsAttribute('class_nodeids', leaves.nodeIds),
      intsAttribute('class_ids', leaves.classIds),
      floatsAttribute('class_weights', leaves.weights),
      intsAttribute('classlabels_int64s', [0, 1]),
      stringAttribute('post_transform', 'NONE'),
    ],
    'ai.onnx.ml',
  );
  const nodes = [ensemble];
  const outputs = [tensorInfo('label', onnx.TensorProto.DataType.INT64, ['N'])];
  if (spec.zipMap) {
    nodes.push(node('ZipMap', ['probabilities'], ['output_probability'], [intsAttribute('classlabels_int64s', [0, 1])], 'ai.onnx.ml'));
    outputs.push({
      name: 'output_probability',
      type: {
        sequenceType: {
          elemType: { mapType: { keyType: onnx.TensorProto.DataType.INT64, valueType: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } } },
        },
      },
    });
  } else {
    outputs.push(tensorInfo('probabilities', onnx.TensorProto.DataType.FLOAT, ['N', 2]));
  }
  return encode(graph('tree_ensemble', nodes, [], spec.inputName, spec.featureCount, outputs), [
    { domain: '', version: DEFAULT_OPSET },
    { domain: 'ai.onnx.ml', version: ML_OPSET },
  ]);
}

export interface BoostedTreesExport {
  inputName: string;
  featureCount: number;
  /** Leaves hold margins (log-odds): P(fraud) = sigmoid(baseMargin + the sum of one leaf per tree). */
  trees: DecisionTree[];
  baseMargin: number;
}

/**
 * Gradient-boosted trees (XGBoost's binary:logistic) as a TreeEnsembleRegressor summing margins,
 * then Sigmoid. The classifier's LOGISTIC post-transform was not used: onnxruntime's binary-class
 * handling of it ignored base values and mixed the two columns in our checks.
 */
export function boostedTreesModel(spec: BoostedTreesExport): Uint8Array {
  const leaves = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
  const structure = treeAttributes(spec.trees, (treeId, nodeId, leaf) => {
    leaves.treeIds.push(treeId);
    leaves.nodeIds.push(nodeId);
    leaves.weights.push(leaf);
  });
  const nodes = [
    node(
      'TreeEnsembleRegressor',
      [spec.inputName],
      ['margin'],
      [
        ...structure,
        intsAttribute('target_treeids', leaves.treeIds),
        intsAttribute('target_nodeids', leaves.nodeIds),
        intsAttribute(
          'target_ids',
          leaves.treeIds.map(() => 0),
        ),
        floatsAttribute('target_weights', leaves.weights),
        intAttribute('n_targets', 1),
        stringAttribute('aggregate_function', 'SUM'),
        floatsAttribute('base_values', [spec.baseMargin]),
        stringAttribute('post_transform', 'NONE'),
      ],
      'ai.onnx.ml',
    ),
    node('Sigmoid', ['margin'], ['p_fraud']),
    node('Sub', ['one', 'p_fraud'], ['p_legit']),
    node('Concat', ['p_legit', 'p_fraud'], ['probabilities'], [intAttribute('axis', 1)]),
  ];
  return encode(
    graph('boosted_trees', nodes, [floatTensor('one', [1], [1])], spec.inputName, spec.featureCount, [
      tensorInfo('probabilities', onnx.TensorProto.DataType.FLOAT, ['N', 2]),
    ]),
    [
      { domain: '', version: DEFAULT_OPSET },
      { domain: 'ai.onnx.ml', version: ML_OPSET },
    ],
  );
}

/** The nodes_* attributes both tree operators share; `onLeaf` records what each leaf contributes. */
function treeAttributes(trees: DecisionTree[], onLeaf: (treeId: number, nodeId: number, leaf: number) => void): onnx.IAttributeProto[] {
  const a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
  };
  trees.forEach((tree, treeId) => {
    tree.nodes.forEach((n, nodeId) => {
      a.treeIds.push(treeId);
      a.nodeIds.push(nodeId);
      if ('leaf' in n) {
        a.featureIds.push(0);
        a.values.push(0);
        a.modes.push('LEAF');
        a.trueIds.push(0);
        a.falseIds.push(0);
        a.missingTrue.push(0);
        onLeaf(treeId, nodeId, n.leaf);
      } else {
        a.featureIds.push(n.feature);
        a.values.push(n.threshold);
        a.modes.push(n.mode === 'LT' ? 'BRANCH_LT' : 'BRANCH_LEQ');
        a.trueIds.push(n.left);
        a.falseIds.push(n.right);
        a.missingTrue.push(n.missing === 'left' ? 1 : 0);
      }
    });
  });
  return [
    intsAttribute('nodes_treeids', a.treeIds),
    intsAttribute('nodes_nodeids', a.nodeIds),
    intsAttribute('nodes_featureids', a.featureIds),
    floatsAttribute('nodes_values', a.values),
    stringsAttribute('nodes_modes', a.modes),
    intsAttribute('nodes_truenodeids', a.trueIds),
    intsAttribute('nodes_falsenodeids', a.falseIds),
    ...(a.missingTrue.includes(1) ? [intsAttribute('nodes_missing_value_tracks_true', a.missingTrue)] : []),
  ];
}

function graph(
  name: string,
  nodes: onnx.INodeProto[],
  initializer: onnx.ITensorProto[],
  inputName: string,
  featureCount: number,
  output: onnx.IValueInfoProto[],
): onnx.IGraphProto {
  return { name, node: nodes, initializer, input: [tensorInfo(inputName, onnx.TensorProto.DataType.FLOAT, ['N', featureCount])], output };
}

function encode(graphProto: onnx.IGraphProto, opsetImport: onnx.IOperatorSetIdProto[]): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: ONNX_IR_VERSION, producerName: 'sentinel-stream', opsetImport, graph: graphProto }).finish();
}

function tensorInfo(name: string, elemType: number, dims: Array<string | number>): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values };
}

function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = [], domain = ''): onnx.INodeProto {
  return { opType, input, output, attribute, domain, name: `${opType}_${output[0]}` };
}

const A = onnx.AttributeProto.AttributeType;
const intAttribute = (name: string, i: number): onnx.IAttributeProto => ({ name, type: A.INT, i });
const intsAttribute = (name: string, ints: number[]): onnx.IAttributeProto => ({ name, type: A.INTS, ints });
const floatsAttribute = (name: string, floats: number[]): onnx.IAttributeProto => ({ name, type: A.FLOATS, floats });
const stringAttribute = (name: string, s: string): onnx.IAttributeProto => ({ name, type: A.STRING, s: Buffer.from(s) });
const stringsAttribute = (name: string, strings: string[]): onnx.IAttributeProto => ({ name, type: A.STRINGS, strings: strings.map((s) => Buffer.from(s)) });

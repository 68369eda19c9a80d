export * from './model-manifest';
export * from './model-load.error';
export * from './onnx-model';
export * from './onnx-export';
export * from './model-files';

/** A model that cannot be served as its manifest describes; the message says what to fix. */
export class ModelLoadError extends Error {
  constructor(
    readonly modelPath: string,
    problem: string,
  ) {
    super(`model ${modelPath}: ${problem}`);
    this.name = 'ModelLoadError';
  }
}

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Operation {
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/**
 * Checks bodies against a service's published OpenAPI document (its /docs-json), as a generated
 * client would rely on it: `problems` is empty when the body fits the schema.
 */
export class OpenApiValidator {
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {}

  /** The document's path template a concrete path matches (`/v1/profiles/{userId}` for `/v1/profiles/u-1`), or null. */
  templateOf(path: string): string | null {
    const pattern = (template: string) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
    return Object.keys(this.document.paths).find((template) => pattern(template).test(path)) ?? null;
  }

  /** The request body schema of an operation (application/json), or null when it has none. */
  requestSchema(method: string, path: string): object | null {
    return this.document.paths[path]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema ?? null;
  }

  /** The response schema of an operation for a status (application/json), or null when it has none. */
  responseSchema(method: string, path: string, status: number): object | null {
    return this.document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema ?? null;
  }

  problems(schema: object, body: unknown): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) this.compiled.set(schema, (validate = this.ajv.compile(schema)));
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
  }
}

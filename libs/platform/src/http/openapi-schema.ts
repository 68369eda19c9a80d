import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** How the converter writes z.null() for OpenAPI 3.0, which has no null type: a branch of its own. */
const isNullBranch = (s: unknown) => {
  const branch = s as { enum?: unknown[]; nullable?: boolean };
  return branch.nullable === true && branch.enum?.length === 1 && branch.enum[0] === 'null';
};

/** OpenAPI 3.0's spelling of "or null": each typed branch nullable, and no branch of its own (which would also admit the string "null"). */
function nullableBranches(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableBranches);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, nullableBranches(value)])) as { anyOf?: unknown[] };
  if (out.anyOf?.some(isNullBranch)) out.anyOf = out.anyOf.filter((b) => !isNullBranch(b)).map((b) => ({ ...(b as object), nullable: true }));
  return out;
}

/**
 * The OpenAPI schema of what `schema` accepts (its input: before defaults and transforms), so the
 * document says exactly what validateInput checks and generated clients send what the API takes.
 */
export function openApiSchema(schema: ZodTypeAny, example?: unknown): SchemaObject {
  // Typed loosely on purpose: the converter's generic types recurse past the compiler's limit on large schemas.
  const convert = zodToJsonSchema as (schema: unknown, options: object) => Record<string, unknown>;
  const { $schema: _, ...json } = convert(schema, { target: 'openApi3', $refStrategy: 'none', effectStrategy: 'input' });
  return { ...(nullableBranches(json) as SchemaObject), ...(example === undefined ? {} : { example }) };
}

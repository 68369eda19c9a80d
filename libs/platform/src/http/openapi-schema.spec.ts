import { z } from 'zod';
import { openApiSchema } from './openapi-schema';

describe('openApiSchema', () => {
  it('publishes what a zod schema accepts: required fields, bounds, enums, no unknown fields, the input before defaults', () => {
    const schema = z.object({ name: z.string().min(1).max(8), size: z.coerce.number().int().min(1).default(3), op: z.enum(['<', '>']).optional() }).strict();
    expect(openApiSchema(schema, { name: 'a' })).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 8 },
        size: { type: 'integer', minimum: 1, default: 3 },
        op: { type: 'string', enum: ['<', '>'] },
      },
      required: ['name'],
      additionalProperties: false,
      example: { name: 'a' },
    });
  });

  it('spells "or null" as OpenAPI 3.0 does: nullable typed branches', () => {
    expect(openApiSchema(z.union([z.string(), z.number(), z.null()]))).toEqual({
      anyOf: [
        { type: 'string', nullable: true },
        { type: 'number', nullable: true },
      ],
    });
  });
});

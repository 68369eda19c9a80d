import { Type, type TLiteral, type TSchema } from '@sinclair/typebox';

/** One of the given strings; published as an enum (readers must expect values added later). */
export const OneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(values.map((value) => Type.Literal(value)) as TLiteral<T>[], description ? { description } : {});

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An ISO-8601 time with a zone. */
export const Instant = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

export const Id = (description?: string) => Type.String({ minLength: 1, ...(description ? { description } : {}) });

/** The part of JSON Schema the topic schemas use (TypeBox writes these keywords). */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  description?: string;
  [keyword: string]: unknown;
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'] as const;

/** The JSON types a schema admits; every type for a schema that names none (`before`, `after`). */
function typesOf(schema: JsonSchema): Set<string> {
  if (schema.anyOf) return new Set(schema.anyOf.flatMap((member) => [...typesOf(member)]));
  if (schema.const !== undefined) return new Set([schema.const === null ? 'null' : typeof schema.const]);
  if (schema.type === undefined) return new Set(JSON_TYPES);
  const types = new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
  if (types.has('number')) types.add('integer');
  return types;
}

const membersOfType = (schema: JsonSchema, type: string): JsonSchema[] =>
  schema.anyOf ? schema.anyOf.flatMap((member) => membersOfType(member, type)) : typesOf(schema).has(type) && schema.type !== undefined ? [schema] : [];

/**
 * What in `current` would break a consumer written against `published`: a field removed, no longer
 * always present, or given a value of a type it could not have before (a string that may now be null).
 * Additions are not breaking: new fields, new optional fields, new values of an enumeration (readers
 * must expect both) and narrower types.
 */
export function breakingChanges(published: JsonSchema, current: JsonSchema, at = ''): string[] {
  const name = at || 'the payload';
  const before = typesOf(published);
  const now = typesOf(current);
  // integer is a kind of number: said once, as number, when both are new.
  const widened = [...now].filter((type) => !before.has(type) && !(type === 'integer' && (before.has('number') || now.has('number'))));
  const problems = widened.length > 0 ? [`${name} may now be ${widened.join(' or ')}`] : [];

  const [oldObject] = membersOfType(published, 'object');
  const [newObject] = membersOfType(current, 'object');
  if (oldObject?.properties && newObject) {
    for (const [field, schema] of Object.entries(oldObject.properties)) {
      const path = at ? `${at}.${field}` : field;
      const now = newObject.properties?.[field];
      if (now === undefined) problems.push(`${path} was removed`);
      else {
        if (oldObject.required?.includes(field) && !newObject.required?.includes(field)) problems.push(`${path} is no longer always present`);
        problems.push(...breakingChanges(schema, now, path));
      }
    }
  }
  for (const [pattern, schema] of Object.entries(oldObject?.patternProperties ?? {})) {
    const now = newObject?.patternProperties?.[pattern];
    if (now) problems.push(...breakingChanges(schema, now, `${at}[*]`));
  }
  const [oldArray] = membersOfType(published, 'array');
  const [newArray] = membersOfType(current, 'array');
  if (oldArray?.items && newArray?.items) problems.push(...breakingChanges(oldArray.items, newArray.items, `${at}[]`));
  return problems;
}

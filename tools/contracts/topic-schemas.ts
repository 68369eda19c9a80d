import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConsumerGroups, GROUP_TOPICS, TOPIC_CODECS, Topics, breakingChanges, type JsonSchema } from '@app/contracts';

/**
 * The topic schemas as published: each registration a file `registry/<topic>/v<schemaVersion>.<n>.json`,
 * never edited once committed, so the compatibility of every change is checked against all that
 * consumers may have been written for (as a schema registry does).
 */
export const REGISTRY_DIR = resolve(__dirname, '../../libs/contracts/registry');
export const TOPICS_DOC = resolve(__dirname, '../../docs/topics.md');

export interface Registration {
  topic: string;
  schemaVersion: number;
  number: number;
  file: string;
  schema: JsonSchema;
}

const REGISTRATION = /^v(\d+)\.(\d+)\.json$/;

export function registrations(dir = REGISTRY_DIR): Registration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((topic) =>
      readdirSync(join(dir, topic)).flatMap((name) => {
        const match = REGISTRATION.exec(name);
        if (!match) return [];
        const file = join(dir, topic, name);
        return [{ topic, schemaVersion: Number(match[1]), number: Number(match[2]), file, schema: JSON.parse(readFileSync(file, 'utf8')) }];
      }),
    )
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.schemaVersion - b.schemaVersion || a.number - b.number);
}

export const schemaJson = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;

/** Each topic's current schema against its registrations: what to register, and what would break. */
export function registryCheck(registered: Registration[]) {
  return TOPIC_CODECS.map((codec) => {
    const schema = codec.jsonSchema();
    const same = registered.filter((r) => r.topic === codec.topic && r.schemaVersion === codec.schemaVersion);
    const latest = same[same.length - 1];
    const upToDate = latest !== undefined && schemaJson(latest.schema) === schemaJson(schema);
    const breaking = same.flatMap((r) => breakingChanges(r.schema, schema).map((problem) => `${r.topic} against v${r.schemaVersion}.${r.number}: ${problem}`));
    return { codec, schema, upToDate, breaking, next: { topic: codec.topic, schemaVersion: codec.schemaVersion, number: (latest?.number ?? 0) + 1 } };
  });
}

/** The consumer groups of the platform that read `topic`. */
const groupsReading = (topic: string): string[] =>
  (Object.keys(GROUP_TOPICS) as Array<keyof typeof GROUP_TOPICS>)
    .filter((group) => GROUP_TOPICS[group].some((key) => Topics[key] === topic))
    .map((group) => ConsumerGroups[group]);

function typeOf(schema: JsonSchema & { format?: string; minimum?: number; maximum?: number }): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.patternProperties) return `map of ${Object.values(schema.patternProperties).map(typeOf).join(' \\| ')}`;
  if (schema.type === 'array' && schema.items) return `array of ${typeOf(schema.items)}`;
  if (schema.type === undefined) return 'any JSON';
  const range =
    schema.minimum !== undefined && schema.maximum !== undefined
      ? ` in [${schema.minimum}, ${schema.maximum}]`
      : schema.minimum !== undefined
        ? ` ≥ ${schema.minimum}`
        : '';
  return `${schema.type}${schema.format ? ` (${schema.format})` : ''}${range}`;
}

function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const object = schema.anyOf?.find((member) => member.type === 'object') ?? schema;
  return Object.entries(object.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const nested = field.anyOf?.find((member) => member.properties) ?? (field.properties ? field : field.items?.properties ? field.items : undefined);
    const description = (field.description ?? nested?.description ?? '').replaceAll('|', '\\|');
    const row = `| \`${path}\` | ${typeOf(field)} | ${object.required?.includes(name) ? 'yes' : 'no'} | ${description} |`;
    return [row, ...(nested ? fieldRows(nested, `${path}${nested === field.items ? '[]' : ''}.`) : [])];
  });
}

/** docs/topics.md: what other stream processors read our topics by. */
export function topicsDoc(): string {
  const sections = TOPIC_CODECS.map((codec) => {
    const schema = codec.jsonSchema();
    const readers = groupsReading(codec.topic);
    return [
      `## \`${codec.topic}\`: ${codec.title}`,
      '',
      schema.description,
      '',
      `schemaVersion ${codec.schemaVersion}; read here by ${readers.length > 0 ? readers.map((g) => `\`${g}\``).join(', ') : 'no consumer group of the platform (it is for people and tools outside it)'}. JSON Schema: [\`libs/contracts/registry/${codec.topic}/\`](../libs/contracts/registry/${codec.topic}/) (the highest \`v${codec.schemaVersion}.<n>.json\`).`,
      '',
      '| field | type | always present | meaning |',
      '|---|---|---|---|',
      ...fieldRows(schema),
    ].join('\n');
  });
  return `${[
    '# Topics',
    '',
    '<!-- Generated by `npm run contracts` from libs/contracts; edit the schemas there, not this page. -->',
    '',
    'Every record value is one JSON object, keyed as each section says. The schemas are declared once in',
    '`libs/contracts` (one codec per topic: encode, decode with a reason, the JSON Schema below) and every',
    'service reads and writes through them. A record that does not match is dead-lettered on',
    "`events.invalid` with the codec's reason, never retried forever.",
    '',
    'How to consume them:',
    '- Each payload carries `schemaVersion`, its major version. Records written before versioning have none: read them as 1.',
    '- Within a major version changes are additive only: new fields, new optional fields, new values of an enumeration, narrower types. Ignore fields you do not know and expect new enumeration values.',
    '- A field is never removed, made optional or retyped within a major version: `npm test` checks every schema against all its published registrations (`libs/contracts/registry`) and fails on such a change.',
    '- Topic names may carry a deployment prefix (`BUS_TOPIC_PREFIX`); consumer groups carry the same prefix.',
    '',
    '`events.raw` is written by producers: each record is one event as `POST /v1/events` takes it, validated the same way.',
    '',
    ...sections.flatMap((section) => [section, '']),
  ]
    .join('\n')
    .trimEnd()}\n`;
}

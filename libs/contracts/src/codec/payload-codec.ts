import { FormatRegistry, type Static, type TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { isInstant } from '../event-in.schema';
import type { TopicName } from '../topics';
import type { JsonSchema } from './schema-compatibility';

// A zone-less time means different instants to different readers; Date.parse alone would accept one.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isInstant);

export interface PayloadCodecOptions<S extends TObject> {
  topic: TopicName;
  /** What one record holds, for reasons and docs: `an enriched event`. */
  title: string;
  description: string;
  /**
   * The payload's major version, written in every record's `schemaVersion`. Additive changes keep it;
   * a change an existing consumer cannot read needs a new one (and the compatibility test says so).
   */
  schemaVersion: number;
  schema: S;
  /**
   * Fields whose values are shared, never-mutated objects (cached lookups): their JSON is kept per
   * object and spliced in, instead of serialising the same geo answer for every event.
   */
  sharedObjectFields?: ReadonlyArray<keyof Static<S> & string>;
}

/**
 * One topic's payload: how it is written, how it is read (with a reason when it cannot be), and the
 * JSON Schema other stream processors consume it by. The schema is the one definition; the type, the
 * check and the published document are derived from it.
 */
export class PayloadCodec<S extends TObject> {
  readonly topic: TopicName;
  readonly title: string;
  readonly schemaVersion: number;
  private readonly check: TypeCheck<S>;
  private readonly shared: ReadonlyArray<string>;
  private readonly fragments = new WeakMap<object, string>();

  constructor(private readonly options: PayloadCodecOptions<S>) {
    this.topic = options.topic;
    this.title = options.title;
    this.schemaVersion = options.schemaVersion;
    this.check = TypeCompiler.Compile(options.schema);
    this.shared = options.sharedObjectFields ?? [];
  }

  /** The record value: the payload with its `schemaVersion`, every field it holds written. */
  encode(value: Static<S>): string {
    const withVersion: Record<string, unknown> = { schemaVersion: this.schemaVersion, ...(value as object) };
    if (this.shared.length === 0) return JSON.stringify(withVersion);
    let tail = '';
    for (const field of this.shared) {
      const fieldValue = withVersion[field];
      if (fieldValue === undefined) continue;
      withVersion[field] = undefined;
      tail += `,${JSON.stringify(field)}:${this.fragment(fieldValue)}`;
    }
    return `${JSON.stringify(withVersion).slice(0, -1)}${tail}}`;
  }

  /**
   * The payload a record holds, or why it holds none (a dead letter's reason). Fields the schema does not
   * name are kept: a newer producer may add them. A record without `schemaVersion` predates versioning
   * and reads as version 1.
   */
  decode(value: Buffer | string): Static<S> | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    } catch (error) {
      return `not ${this.title}: invalid JSON (${(error as Error).message})`;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `not ${this.title}: not a JSON object`;
    const version = (parsed as { schemaVersion?: unknown }).schemaVersion ?? 1;
    if (version !== this.schemaVersion) return `not ${this.title} this reader knows: schemaVersion ${JSON.stringify(version)}, expected ${this.schemaVersion}`;
    if (this.check.Check(parsed)) return parsed;
    return `not ${this.title}: ${this.firstProblem(parsed)}`;
  }

  /** The JSON Schema published for the topic (docs/topics.md, libs/contracts/registry). */
  jsonSchema(): JsonSchema & { description: string } {
    const { schema, topic, title, description, schemaVersion } = this.options;
    // Serialising drops TypeBox's symbol-keyed metadata and leaves plain JSON Schema.
    const plain = JSON.parse(JSON.stringify(schema)) as { properties: object; required?: string[] };
    return {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `urn:sentinel-stream:topic:${topic}:v${schemaVersion}`,
      title: `${topic}: ${title}`,
      description,
      ...plain,
      properties: {
        schemaVersion: { const: schemaVersion, description: "The payload's major version; absent in records written before versioning (read as 1)." },
        ...plain.properties,
      },
      required: ['schemaVersion', ...(plain.required ?? [])],
    };
  }

  private firstProblem(value: unknown): string {
    const error = this.check.Errors(value).First();
    if (!error) return 'does not match its schema';
    const field = error.path.slice(1).replaceAll('/', '.') || 'the payload';
    if (error.type === ValueErrorType.ObjectRequiredProperty) return `${field} is required`;
    if (error.type === ValueErrorType.StringFormat)
      return `${field} ${JSON.stringify(error.value)} is not a ${error.schema.format === 'date-time' ? 'time' : error.schema.format}`;
    return `${field}: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
  }

  private fragment(value: unknown): string {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    let json = this.fragments.get(value);
    if (json === undefined) this.fragments.set(value, (json = JSON.stringify(value)));
    return json;
  }
}

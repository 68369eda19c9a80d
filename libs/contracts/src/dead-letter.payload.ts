import { Type, type Static } from '@sinclair/typebox';
import { PayloadCodec } from './codec/payload-codec';
import { Instant, OneOf } from './codec/schema-types';
import { Topics } from './topics';

/** The envelope on a dead-letter topic: the original payload, why it failed, and where it came from. */
export const DeadLetterEnvelopeSchema = Type.Object({
  reason: Type.String({ description: 'Why the record could not be processed, for the person who fixes its producer.' }),
  group: Type.String({ description: 'The consumer group that gave up on it, or `ingest` for an event a request sent.' }),
  origin: Type.Object({
    topic: Type.String({ description: 'The topic the record was read from, or `http` for an event of a request.' }),
    partition: Type.Integer({ description: '-1 for an event of a request.' }),
    offset: Type.String({ description: "The record's offset, or `<request id>#<index>` for an event of a request." }),
    key: Type.Union([Type.String(), Type.Null()]),
    timestamp: Type.Number({ description: "The record's time, in milliseconds since the epoch." }),
  }),
  deadLetteredAt: Instant(),
  payload: Type.String({ description: 'The original value as UTF-8 text, or base64 when it is not valid UTF-8; its start only when `truncated`.' }),
  payloadEncoding: OneOf(['utf8', 'base64'] as const),
  headers: Type.Record(Type.String(), Type.String()),
  truncated: Type.Optional(
    Type.Object(
      { payloadBytes: Type.Integer({ minimum: 0 }), payloadSha256: Type.String(), headersDropped: Type.Boolean() },
      { description: 'Present when the payload (or the headers) would not fit a dead letter: what the whole original was.' },
    ),
  ),
});

export type DeadLetterEnvelope = Static<typeof DeadLetterEnvelopeSchema>;

export const deadLetterCodec = new PayloadCodec({
  topic: Topics.invalid,
  title: 'a dead letter',
  description: 'A record no consumer could process, or an event ingest rejected, with the reason. Keyed as the original.',
  schemaVersion: 1,
  schema: DeadLetterEnvelopeSchema,
});

import { alertCodec } from './alert.payload';
import { auditRecordCodec } from './audit.payload';
import { caseCodec } from './case.payload';
import { deadLetterCodec } from './dead-letter.payload';
import { enrichedEventCodec } from './enriched-event.payload';
import { scoreCodec } from './score.payload';

/**
 * Every topic the platform writes, by its codec: what docs/topics.md publishes and the compatibility
 * registry guards. events.raw is written by producers and read as POST /v1/events reads a body.
 */
export const TOPIC_CODECS = [enrichedEventCodec, scoreCodec, alertCodec, deadLetterCodec, auditRecordCodec, caseCodec] as const;

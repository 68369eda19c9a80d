import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { eventInSchema } from '@app/contracts';
import { openApiSchema } from '@app/platform';

/** The event of the contract (DESIGN.md, "Event in"), as libs/contracts/src/event-in.schema.ts validates it. */
export const EVENT_SCHEMA: SchemaObject = openApiSchema(eventInSchema(Date.now));

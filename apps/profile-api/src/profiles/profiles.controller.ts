import { Controller, Get, Headers, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiError, openApiSchema, RequireScope, validateInput } from '@app/platform';
import type { RiskBand, Segment } from '../folding/profile-state';
import { encodeCursor, profileListQuery } from './profile-list.query';
import { ProfileRepository } from './profile.repository';
import { PROFILE_EXAMPLE, profileViewSchema, toProfileView, type ProfileView } from './profile.view';

/** What an answer needs of the server's reply: Express's Response and Fastify's reply both have it. */
interface ReplyHead {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
}

@ApiTags('profiles')
@RequireScope('profiles')
@Controller('v1/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfileRepository) {}

  @Get(':userId')
  @ApiOperation({ summary: "A user's profile, as folded from the stream. Sends an ETag; If-None-Match answers 304 when unchanged." })
  @ApiOkResponse({ schema: openApiSchema(profileViewSchema, PROFILE_EXAMPLE) })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag given in If-None-Match' })
  @ApiNotFoundResponse({
    schema: { example: { error: { code: 'PROFILE_NOT_FOUND', message: 'no profile for user "user-404": no event of this user has been seen' } } },
  })
  async get(
    @Param('userId') userId: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: ReplyHead,
  ): Promise<ProfileView | undefined> {
    const stored = await this.profiles.findOne(userId);
    if (!stored) throw new ApiError(404, 'PROFILE_NOT_FOUND', `no profile for user ${JSON.stringify(userId)}: no event of this user has been seen`);
    const etag = `"${stored.version}"`;
    response.header('ETag', etag);
    response.header('Cache-Control', 'private, no-cache');
    if (
      ifNoneMatch &&
      ifNoneMatch
        .split(',')
        .map((tag) => tag.trim().replace(/^W\//, ''))
        .includes(etag)
    ) {
      response.status(HttpStatus.NOT_MODIFIED);
      return undefined;
    }
    return toProfileView(stored);
  }

  @Get()
  @ApiOperation({ summary: 'Profiles, most recently seen first, filtered; follow nextCursor for the next page.' })
  @ApiQuery({ name: 'riskBand', required: false, enum: ['low', 'medium', 'high', 'unknown'] })
  @ApiQuery({ name: 'segment', required: false, enum: ['high_value', 'at_risk', 'new', 'multi_country'] })
  @ApiQuery({ name: 'lastSeenSince', required: false, example: '2026-11-01T00:00:00Z' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1-500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({
    schema: openApiSchema(z.object({ items: z.array(profileViewSchema), nextCursor: z.string().nullable() }), {
      items: [PROFILE_EXAMPLE],
      nextCursor: 'WyIyMDI2LTExLTIzVDA5OjQxOjEyLjAwMFoiLCJ1c2VyLTQyIl0',
    }),
  })
  async list(@Query() query: Record<string, unknown>): Promise<{ items: ProfileView[]; nextCursor: string | null }> {
    const { limit, cursor, riskBand, segment, lastSeenSince } = validateInput(profileListQuery, query, 'INVALID_QUERY', 'the query parameters are not valid', {
      whole: 'query',
      unknownField: 'is not a parameter',
    });
    const page = await this.profiles.list(
      { riskBand: riskBand as RiskBand | undefined, segment: segment as Segment | undefined, lastSeenSince },
      cursor ?? null,
      limit + 1,
    );
    const items = page.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor =
      page.length > limit && last
        ? encodeCursor({ lastSeenAt: last.state.lastSeenAt === null ? null : new Date(last.state.lastSeenAt).toISOString(), userId: last.state.userId })
        : null;
    return { items: items.map(toProfileView), nextCursor };
  }
}

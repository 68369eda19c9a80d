import { Injectable } from '@nestjs/common';
import { Database } from '@app/database';
import { databaseFailure } from '@app/platform';
import type { EntityManager } from 'typeorm';
import { riskBandOf, segmentsOf } from '../folding/fold-profile';
import { PROFILE_FIELD_ENTRIES, type ProfileField, type ProfileState, type RiskBand, type Segment } from '../folding/profile-state';

/** A stored profile: the folded state plus what is derived from it when written. */
export interface StoredProfile {
  state: ProfileState;
  riskBand: RiskBand;
  segments: Segment[];
  version: number;
  updatedAt: Date;
}

export interface ProfileFilter {
  riskBand?: RiskBand;
  segment?: Segment;
  lastSeenSince?: Date;
}

/** Where a page of GET /v1/profiles ended: the sort key of its last row. */
export interface PageCursor {
  lastSeenAt: string | null;
  userId: string;
}

/** A partition of a topic the profiles consumer group reads. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

export const positionKey = ({ topic, partition }: PartitionRef) => `${topic}\u0000${partition}`;

/** One transaction of stream folding: positions and profiles locked, read and written together. */
export class ProfileTransaction {
  constructor(private readonly manager: EntityManager) {}

  /** The last offset applied for this group on each partition ('' when none), keyed by positionKey, locked until commit. */
  async positions(groupName: string, partitions: PartitionRef[]): Promise<Map<string, string>> {
    // One round trip that creates the rows missing and locks them all (the no-op update takes each row
    // lock), so two members racing on a partition during a Kafka rebalance serialise here.
    const rows = (await this.manager.query(
      `INSERT INTO consumer_positions (group_name, topic, partition, last_offset)
       SELECT $1, topic, partition, '' FROM unnest($2::text[], $3::int[]) AS p(topic, partition)
       ON CONFLICT (group_name, topic, partition) DO UPDATE SET last_offset = consumer_positions.last_offset
       RETURNING topic, partition, last_offset`,
      [groupName, partitions.map((p) => p.topic), partitions.map((p) => p.partition)],
    )) as Array<{ topic: string; partition: number; last_offset: string }>;
    return new Map(rows.map((row) => [positionKey(row), row.last_offset]));
  }

  async savePositions(groupName: string, moved: Array<PartitionRef & { lastOffset: string }>, now: Date): Promise<void> {
    if (moved.length === 0) return;
    await this.manager.query(
      `UPDATE consumer_positions AS c SET last_offset = m.last_offset, updated_at = $5
       FROM unnest($2::text[], $3::int[], $4::text[]) AS m(topic, partition, last_offset)
       WHERE c.group_name = $1 AND c.topic = m.topic AND c.partition = m.partition`,
      [groupName, moved.map((p) => p.topic), moved.map((p) => p.partition), moved.map((p) => p.lastOffset), now.toISOString()],
    );
  }

  /** The stored profiles of these users, locked until commit (while Kafka moves a partition, two members may fold one user). */
  async lockProfiles(userIds: string[]): Promise<Map<string, StoredProfile>> {
    if (userIds.length === 0) return new Map();
    const rows = (await this.manager.query(`SELECT * FROM profiles WHERE user_id = ANY($1) FOR UPDATE`, [userIds])) as ProfileRow[];
    return new Map(rows.map((row) => [row.user_id, fromRow(row)]));
  }

  /**
   * Writes the folded states in one upsert whatever their number: one array parameter per column,
   * unnested into rows. A row is written only where it still has the version `previous` says (none: no
   * row), so a state folded from a stale read never overwrites a newer one. (TypeORM's insert builder spends O(rows x columns) on parameter bookkeeping:
   * it was 40% of folding time at 2,000 rows.) Returns the users whose profile another member created
   * after `previous` was read, and which were therefore not written: a new profile has no row to lock,
   * so a user's first records, folded at once by the two members of a partition on the move, would
   * otherwise both write a profile of their own and one would be lost. Their rows now exist: lock them
   * and fold again.
   */
  async saveProfiles(states: ProfileState[], previous: Map<string, { version: number }>, now: Date): Promise<string[]> {
    if (states.length === 0) return [];
    const columns = ROW_COLUMNS.map(() => new Array<unknown>(states.length));
    states.forEach((state, row) => {
      const values = rowValues(state, (previous.get(state.userId)?.version ?? 0) + 1);
      for (let i = 0; i < values.length; i++) columns[i][row] = values[i];
    });
    const parameters = columns.map((values, i) => arrayLiteral(values, ROW_COLUMNS[i][1]));
    const written = (await this.manager.query(UPSERT_SQL, [...parameters, now.toISOString()])) as Array<{ user_id: string }>;
    if (written.length === states.length) return [];
    const writtenIds = new Set(written.map((row) => row.user_id));
    return states.map((state) => state.userId).filter((userId) => !writtenIds.has(userId));
  }
}

type SqlType = ProfileField<unknown>['sqlType'];
/** The columns written besides the state's own: derived from it. */
const DERIVED_COLUMNS: Array<[string, SqlType]> = [
  ['risk_band', 'text'],
  ['segments', 'jsonb'],
  ['version', 'int'],
];
/** Column name and Postgres type, in the order rowValues gives them; updated_at, the same for every row, follows as one parameter. */
const ROW_COLUMNS: Array<[string, SqlType]> = [
  ...PROFILE_FIELD_ENTRIES.map(([, field]): [string, SqlType] => [field.column, field.sqlType]),
  ...DERIVED_COLUMNS,
];
const UPSERT_NAMES = [...ROW_COLUMNS.map(([name]) => name), 'updated_at'];
/** How a column's array travels (arrayLiteral): jsonb as text[], event times as ms since the epoch. */
const ARRAY_TYPE: Record<SqlType, string> = { text: 'text', int: 'int', float8: 'float8', timestamptz: 'bigint', jsonb: 'text' };
/**
 * jsonb columns travel as text[] and are cast row by row. A parameter's input function runs while the
 * bind message is read, in memory kept until the statement ends, and jsonb_in takes a fresh buffer of
 * ~1 KB per value: a call's few thousand jsonb values held ~10 MB, which Postgres's malloc handed back
 * and faulted in again for every statement. The cast runs in the executor's per-row memory, reset
 * after each row. (One JSON document of every row, read by json_to_recordset or jsonb_to_recordset, spent
 * 1.3× and 1.25× Postgres's CPU per event.)
 */
const UPSERT_SQL = `
  INSERT INTO profiles (${UPSERT_NAMES.join(', ')})
  SELECT ${ROW_COLUMNS.map(([name, type]) =>
    type === 'jsonb' ? `u.${name}::jsonb` : type === 'timestamptz' ? `'epoch'::timestamptz + u.${name} * interval '1 millisecond'` : `u.${name}`,
  ).join(', ')}, $${ROW_COLUMNS.length + 1}::timestamptz
  FROM unnest(${ROW_COLUMNS.map(([, type], i) => `$${i + 1}::${ARRAY_TYPE[type]}[]`).join(', ')})
    AS u(${ROW_COLUMNS.map(([name]) => name).join(', ')})
  ON CONFLICT (user_id) DO UPDATE SET ${UPSERT_NAMES.filter((name) => name !== 'user_id')
    .map((name) => `${name} = EXCLUDED.${name}`)
    .join(', ')}
  WHERE profiles.version = EXCLUDED.version - 1
  RETURNING user_id`;

function rowValues(state: ProfileState, version: number): unknown[] {
  const values: unknown[] = PROFILE_FIELD_ENTRIES.map(([name]) => state[name]);
  values.push(riskBandOf(state), segmentsOf(state), version);
  return values;
}

/**
 * A column's array parameter as a Postgres array literal, in a few native calls. node-postgres writes an
 * array parameter element by element, converting and escaping each with two regular expressions: for the
 * jsonb columns, whose every value is JSON full of quotes, that was a quarter of what profile-api
 * allocated while folding. A JSON string is also an element of an array literal when it holds no control
 * character: both escape only `"` and `\` with a backslash, and JSON.stringify writes every control
 * character of the text it quotes as an escape (`\n`, `\u0000`), i.e. as a backslash and letters. So
 * a jsonb column is the JSON strings of its values' JSON texts, a text column its values' JSON strings
 * (left to node-postgres when one holds a control character or a surrogate, which JSON.stringify may
 * escape), and a numeric one its numbers.
 */
export function arrayLiteral(values: unknown[], type: SqlType): string | unknown[] {
  if (type === 'jsonb') return `{${JSON.stringify(values.map((value) => JSON.stringify(value))).slice(1, -1)}}`;
  if (type === 'text') return ESCAPED_BY_JSON.test(values.join('')) ? values : `{${JSON.stringify(values).slice(1, -1)}}`;
  return `{${values.map((value) => (value == null ? 'NULL' : String(value))).join(',')}}`;
}

// eslint-disable-next-line no-control-regex -- the characters JSON.stringify would write as escapes (and surrogates, for lone ones)
const ESCAPED_BY_JSON = /[\u0000-\u001f\ud800-\udfff]/;

/** A profiles row as node-postgres returns it (timestamptz as Date, jsonb parsed). */
type ProfileRow = Record<string, unknown> & { user_id: string; risk_band: string; segments: string[]; version: number; updated_at: Date };

function fromRow(row: ProfileRow): StoredProfile {
  const state = {} as Record<keyof ProfileState, unknown>;
  for (const [name, field] of PROFILE_FIELD_ENTRIES) state[name] = field.fromSql(row[field.column]);
  return {
    state: state as ProfileState,
    riskBand: row.risk_band as RiskBand,
    segments: row.segments as Segment[],
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** Profiles in Postgres: the only place that knows their tables. */
@Injectable()
export class ProfileRepository {
  constructor(private readonly database: Database) {}

  /**
   * Runs folding work in one transaction. A failure of the database (restarting, a lost connection, a
   * lock timeout) is transient for the bus: the batch is retried. A failure caused by the data (a value
   * jsonb refuses, say) is not: the bus finds the record and dead-letters it, and the partition moves on.
   */
  async transaction<T>(work: (tx: ProfileTransaction) => Promise<T>): Promise<T> {
    const dataSource = await this.database.whenReady();
    try {
      return await dataSource.transaction((manager) => work(new ProfileTransaction(manager)));
    } catch (error) {
      throw databaseFailure('profile transaction failed', error);
    }
  }

  async findOne(userId: string): Promise<StoredProfile | null> {
    // The hot read path (p99 target 10 ms at 1,000/s): one primary-key lookup, no query builder.
    const [row] = (await this.database.current().query('SELECT * FROM profiles WHERE user_id = $1', [userId])) as ProfileRow[];
    return row ? fromRow(row) : null;
  }

  /** Newest-seen first, keyset-paginated on (last_seen_at, user_id); profiles never seen sort last. */
  async list(filter: ProfileFilter, after: PageCursor | null, limit: number): Promise<StoredProfile[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (filter.riskBand) where.push(`risk_band = ${param(filter.riskBand)}`);
    if (filter.segment) where.push(`segments @> ${param(JSON.stringify([filter.segment]))}::jsonb`);
    if (filter.lastSeenSince) where.push(`last_seen_at >= ${param(filter.lastSeenSince)}::timestamptz`);
    if (after) {
      where.push(
        after.lastSeenAt === null
          ? `(last_seen_at IS NULL AND user_id < ${param(after.userId)}::text)`
          : `((last_seen_at, user_id) < (${param(after.lastSeenAt)}::timestamptz, ${param(after.userId)}::text) OR last_seen_at IS NULL)`,
      );
    }
    const rows = (await this.database
      .current()
      .query(
        `SELECT * FROM profiles ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen_at DESC NULLS LAST, user_id DESC LIMIT ${param(limit)}`,
        params,
      )) as ProfileRow[];
    return rows.map(fromRow);
  }
}

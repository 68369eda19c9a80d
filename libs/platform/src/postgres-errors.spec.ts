import { TransientError } from '@app/bus';
import { databaseFailure, isTransientDatabaseError } from './postgres-errors';

/** What node-postgres throws (a DatabaseError with the SQLSTATE in `code`), as TypeORM wraps it. */
const postgres = (code: string, message = 'failed') =>
  Object.assign(new Error('QueryFailedError'), { driverError: Object.assign(new Error(message), { code }) });

describe('Postgres errors: the database or the record', () => {
  it.each([
    ['a connection failure', postgres('08006')],
    ['a serialization failure', postgres('40001')],
    ['a deadlock', postgres('40P01')],
    ['too many connections', postgres('53300')],
    ['a lock timeout', postgres('55P03')],
    ['a statement timeout', postgres('57014')],
    ['an administrator shutdown', postgres('57P01')],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a connection ended by the server', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
  ])('calls %s transient: the batch is retried', (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
    expect(databaseFailure('storing', error)).toBeInstanceOf(TransientError);
  });

  it.each([
    ['a NUL in jsonb', postgres('22P05', 'unsupported Unicode escape sequence')],
    ['a NUL in text', postgres('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['invalid JSON', postgres('22P02', 'invalid input syntax for type json')],
    ['a number out of range', postgres('22003')],
    ['a check constraint', postgres('23514')],
    ['an error without a code', new Error('something else')],
  ])("calls %s the record's: the bus isolates and dead-letters it, with the reason", (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
    const failure = databaseFailure('storing profiles failed', error);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect(failure.message).toMatch(/^storing profiles failed: /);
  });

  it('keeps a TransientError as it is', () => {
    const error = new TransientError('database not ready');
    expect(databaseFailure('storing', error)).toBe(error);
  });
});

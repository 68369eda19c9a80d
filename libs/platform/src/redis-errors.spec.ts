import { TransientError } from '@app/bus';
import { isTransientRedisError, redisFailure } from './redis-errors';

describe('Redis error classes', () => {
  it.each([
    'LOADING Redis is loading the dataset in memory',
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
    "OOM command not allowed when used memory > 'maxmemory'.",
    "READONLY You can't write against a read only replica.",
    'Connection is closed.',
    'connect ECONNREFUSED 127.0.0.1:6379',
  ])('calls "%s" transient: the server, not the batch', (message) => {
    expect(isTransientRedisError(new Error(message))).toBe(true);
  });

  it.each([
    "ERR user_script:40: Script attempted to access nonexistent global variable 'x' script: 1f0e, on @user_script:40.",
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    'ERR value is not an integer or out of range',
  ])('calls "%s" the data\'s: the bus isolates the record that causes it', (message) => {
    expect(isTransientRedisError(new Error(message))).toBe(false);
  });

  it('names the step and keeps the class', () => {
    const failure = redisFailure('window state', new Error('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(failure).not.toBeInstanceOf(TransientError);
    expect(failure.message).toBe('window state: Error: WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(redisFailure('window state', new Error('LOADING Redis is loading the dataset in memory'))).toBeInstanceOf(TransientError);
  });
});

import { z } from 'zod';
import { describeZodIssues } from './zod-issues';

const schema = z.object({ url: z.string(), filter: z.object({ minScore: z.number().max(1, 'must be at most 1') }).strict() }).strict();
const issuesOf = (value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error;
};

describe('describeZodIssues', () => {
  it('names each field with its problem, a missing one as required and an unknown one as such', () => {
    expect(describeZodIssues(issuesOf({ colour: 'red', filter: { minScore: 2, x: 1 } }))).toEqual([
      'url: is required',
      'filter.minScore: must be at most 1',
      'filter.x: is not a field',
      'colour: is not a field',
    ]);
  });

  it('reports a problem of the whole value under the name it is given, or as the message alone', () => {
    expect(describeZodIssues(issuesOf('text'))).toEqual(['body: Expected object, received string']);
    expect(describeZodIssues(issuesOf('text'), { whole: '(environment)', unknownField: 'is not a setting' })).toEqual([
      '(environment): Expected object, received string',
    ]);
    expect(describeZodIssues(issuesOf('text'), { unknownField: 'is not a field of an event' })).toEqual(['Expected object, received string']);
    expect(describeZodIssues(issuesOf({ url: 'u', filter: { minScore: 0 }, ammount: 5 }), { unknownField: 'is not a field of an event' })).toEqual([
      'ammount: is not a field of an event',
    ]);
  });
});

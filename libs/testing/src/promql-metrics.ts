/** PromQL's functions, aggregations and keywords: words of a query that are not metric names. */
const NOT_METRICS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'histogram_quantile',
  'abs',
  'clamp',
  'clamp_min',
  'clamp_max',
  'time',
  'vector',
  'scalar',
  'sort',
  'sort_desc',
  'label_replace',
  'label_join',
  'absent',
  'changes',
  'resets',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
]);

/**
 * The metrics a PromQL expression reads, a histogram's `_bucket`, `_count` and `_sum` series by the
 * histogram's name (as /metrics declares it in `# HELP`).
 */
export function metricsQueriedBy(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const calls = bare
      .slice((match.index as number) + word.length)
      .trimStart()
      .startsWith('(');
    if (!calls && !NOT_METRICS.has(word)) names.add(word.replace(/_(bucket|count|sum)$/, ''));
  }
  return [...names];
}

/** A service's Prometheus samples (from `baseUrl`/metrics) whose line starts with `name` and contains `filter`, each as [line, value]. */
export async function metricSamples(baseUrl: string, name: string, filter = ''): Promise<Array<[string, number]>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(filter))
    .map((l) => [l, Number(l.split(' ').pop())]);
}

/** The sum of those samples (a counter over all its label sets). */
export async function metricSum(baseUrl: string, name: string, filter = ''): Promise<number> {
  return (await metricSamples(baseUrl, name, filter)).reduce((sum, [, value]) => sum + value, 0);
}

/** A service's Prometheus samples whose line starts with `name` and contains `filter`, each as [line, value]. */
export async function metricSamples(port: number, name: string, filter = ''): Promise<Array<[string, number]>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name) && l.includes(filter)).map((l) => [l, Number(l.split(' ').pop())]);
}

/** The sum of those samples (a counter over all its label sets). */
export async function metricSum(port: number, name: string, filter = ''): Promise<number> {
  return (await metricSamples(port, name, filter)).reduce((sum, [, value]) => sum + value, 0);
}

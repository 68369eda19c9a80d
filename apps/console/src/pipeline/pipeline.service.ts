import { Injectable } from '@nestjs/common';
import { CONSOLE_SERVICES, type ConsoleService } from '../console.config';
import { ServiceClient } from '../forwarding/service-client';
import { pipelineView, PIPELINE_METRICS, type ConsumedSnapshot, type PipelineView, type ServiceReport } from './pipeline-view';
import { parsePrometheusText } from './prometheus-text';

/** Readiness details as /health/ready's 503 carries them: `{ error: { details: { error: { check: { message } } } } }`. */
function problemsOf(body: unknown): string[] {
  const failing = (body as { error?: { details?: { error?: Record<string, { message?: string }> } } } | null)?.error?.details?.error ?? {};
  const problems = Object.entries(failing).map(([check, { message }]) => (message ? `${check}: ${message}` : `${check} is down`));
  return problems.length > 0 ? problems : ['not ready'];
}

/** The pipeline page's figures: every service's readiness and bus metrics, read when the page asks. */
@Injectable()
export class PipelineService {
  private previous: ConsumedSnapshot | null = null;

  constructor(private readonly services: ServiceClient) {}

  async view(): Promise<PipelineView> {
    const reports = await Promise.all(CONSOLE_SERVICES.map((service) => this.report(service)));
    const { view, snapshot } = pipelineView(reports, this.previous, Date.now());
    this.previous = snapshot;
    return view;
  }

  private async report(service: ConsoleService): Promise<ServiceReport> {
    const [ready, metrics] = await Promise.all([
      this.services.call(service, '/health/ready', { anonymous: true }).catch((error: Error) => ({ status: 0, body: error.message })),
      this.services.call(service, '/metrics', { anonymous: true }).catch(() => null),
    ]);
    return {
      service,
      ready: ready.status === 200,
      problems: ready.status === 200 ? [] : ready.status === 0 ? [String(ready.body)] : problemsOf(ready.body),
      samples: metrics && metrics.status === 200 ? parsePrometheusText(String(metrics.body), PIPELINE_METRICS) : null,
    };
  }
}

import type { ChildProcess } from 'node:child_process';
import { SUITE_PROCESSES, freePort, killServiceProcess, sleep, startSuiteProcess, stopServiceProcess, type SuiteProcessName } from '@app/testing';
import type { EventIn } from '@app/contracts';

export const SERVICES: readonly SuiteProcessName[] = SUITE_PROCESSES.map((p) => p.name);
export type Service = SuiteProcessName;

/** The four services as real processes, as production runs them (SUITE_PROCESSES), each on a port of its own. */
export class SuiteProcesses {
  private readonly processes = new Map<Service, ChildProcess>();

  private constructor(private readonly ports: Map<Service, number>, private readonly env: Record<string, string>, private readonly apiKey: string) {}

  static async start(env: Record<string, string>, apiKey: string): Promise<SuiteProcesses> {
    const ports = new Map<Service, number>();
    for (const service of SERVICES) ports.set(service, await freePort());
    const suite = new SuiteProcesses(ports, { ...env, API_KEYS: apiKey }, apiKey);
    const started = await Promise.allSettled(SERVICES.map((service) => suite.start(service)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await suite.stop();
      throw failed.reason;
    }
    return suite;
  }

  async start(service: Service): Promise<void> {
    this.processes.set(service, await startSuiteProcess(service, this.ports.get(service) as number, this.env));
  }

  /** SIGKILL, then a fresh start. */
  async crash(service: Service): Promise<void> {
    await killServiceProcess(this.processes.get(service) as ChildProcess);
    await this.start(service);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map(stopServiceProcess));
  }

  call(service: Service, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.ports.get(service)}${path}`, {
      ...init, headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json', ...init.headers },
    });
  }

  /** A client that resends a batch until ingest accepts it: while ingest is down, or answers 503/429. */
  async sendUntilAccepted(batch: EventIn[]): Promise<void> {
    const body = batch.map((e) => JSON.stringify(e)).join('\n');
    for (;;) {
      const response = await this.call('ingest', '/v1/events', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body }).catch(() => null);
      if (response?.status === 202) return;
      await sleep(100);
    }
  }

  /**
   * Sends `events` in as many parts as there are faults, in batches of 50; a third of the way through
   * each part its fault strikes while the rest is on its way. One more part is sent after the last fault.
   */
  async sendThrough(events: EventIn[], faults: Array<() => Promise<void>>): Promise<void> {
    const parts = faults.length + 1;
    const size = Math.ceil(events.length / parts);
    for (let part = 0; part < parts; part++) {
      const slice = events.slice(part * size, (part + 1) * size);
      let sent = 0;
      const sending = (async () => {
        for (; sent < slice.length; sent += 50) await this.sendUntilAccepted(slice.slice(sent, sent + 50));
      })();
      const fault = faults[part];
      if (fault) {
        while (sent < slice.length / 3) await sleep(5);
        await fault();
      }
      await sending;
    }
  }
}

import type { ChildProcess } from 'node:child_process';
import type { EventIn } from '@app/contracts';
import { sleep } from './eventually';
import { freePort } from './free-port';
import { killServiceProcess, stopServiceProcess } from './service-process';
import { SUITE_PROCESSES, startSuiteProcess, type SuiteProcessName } from './suite-topology';

export const SUITE_PROCESS_NAMES: readonly SuiteProcessName[] = SUITE_PROCESSES.map((p) => p.name);

interface Instance {
  port: number;
  child: ChildProcess;
}

/**
 * The suite's processes as production runs them (SUITE_PROCESSES), each instance on a port of its own:
 * one of each by default, or as many as `instances` says (Kafka shares a group's partitions among them).
 */
export class SuiteProcesses {
  private readonly instances = new Map<SuiteProcessName, Instance[]>();

  private constructor(
    private readonly env: Record<string, string>,
    private readonly apiKey: string,
  ) {}

  static async start(env: Record<string, string>, apiKey: string, instances: Partial<Record<SuiteProcessName, number>> = {}): Promise<SuiteProcesses> {
    const suite = new SuiteProcesses({ ...env, API_KEYS: apiKey }, apiKey);
    const started = await Promise.allSettled(
      SUITE_PROCESS_NAMES.flatMap((service) => Array.from({ length: instances[service] ?? 1 }, () => suite.add(service))),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await suite.stop();
      throw failed.reason;
    }
    return suite;
  }

  /** One more instance of `service`, once it answers ready. */
  async add(service: SuiteProcessName): Promise<void> {
    const port = await freePort();
    const child = await startSuiteProcess(service, port, this.env);
    this.instancesOf(service).push({ port, child });
  }

  /** How many instances of `service` run. */
  count(service: SuiteProcessName): number {
    return this.instancesOf(service).length;
  }

  /** SIGKILL of the first instance, then a fresh start on its port. */
  async crash(service: SuiteProcessName): Promise<void> {
    const [instance] = this.instancesOf(service);
    await killServiceProcess(instance.child);
    instance.child = await startSuiteProcess(service, instance.port, this.env);
  }

  /** SIGKILL of the first instance, which is not started again: what it held moves to the others. */
  async kill(service: SuiteProcessName): Promise<void> {
    const [instance] = this.instancesOf(service).splice(0, 1);
    await killServiceProcess(instance.child);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.values()].flat().map((instance) => stopServiceProcess(instance.child)));
  }

  /** The address of the first instance of `service`. */
  url(service: SuiteProcessName): string {
    return `http://127.0.0.1:${this.instancesOf(service)[0].port}`;
  }

  /** A request to the first instance of `service`. */
  call(service: SuiteProcessName, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url(service)}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json', ...init.headers },
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

  private instancesOf(service: SuiteProcessName): Instance[] {
    let list = this.instances.get(service);
    if (!list) this.instances.set(service, (list = []));
    return list;
  }
}

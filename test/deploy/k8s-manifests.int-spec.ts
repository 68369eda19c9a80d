import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { consumerGroup, ConsumerGroups, GROUP_TOPICS, Topics } from '@app/contracts';

/**
 * deploy/k8s rendered as `kubectl kustomize` renders it, each object checked against the Kubernetes and
 * KEDA OpenAPI schemas offline, and the rules every overlay keeps (docs/deploy.md): probes, limits and
 * a non-root user on every container; a drain that SIGKILL never cuts short; every consumer group of
 * every process autoscaled on its own lag, up to one pod per partition; and the processes the same as
 * docker-compose.yml runs.
 */
const root = resolve(__dirname, '../..');
const run = (command: string, args: string[], input?: string, env: Record<string, string> = {}) =>
  execFileSync(command, args, {
    cwd: root,
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // its shape is its kind's, which the schemas check (tools/deploy/validate-k8s-objects.mjs)
  data?: Record<string, string>;
}

function render(overlay: string): K8sObject[] {
  const yaml = run('bash', ['scripts/kubectl.sh', 'kustomize', `deploy/k8s/overlays/${overlay}`]);
  return parseAllDocuments(yaml).map((document) => document.toJSON() as K8sObject);
}

/** The settings a Deployment's container runs with: its ConfigMap's, then its own, secrets resolved where the overlay has them. */
function environmentOf(deployment: K8sObject, objects: K8sObject[]): Record<string, string | undefined> {
  const container = deployment.spec.template.spec.containers[0];
  const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const env: Record<string, string | undefined> = {};
  for (const source of container.envFrom ?? []) Object.assign(env, byName('ConfigMap', source.configMapRef.name)?.data);
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) env[variable.name] = variable.value;
    else {
      const stored = byName('Secret', ref.name)?.data?.[ref.key];
      if (stored !== undefined) env[variable.name] = Buffer.from(stored, 'base64').toString('utf8');
      else if (!ref.optional) env[variable.name] = undefined;
    }
  }
  return env;
}

/** The consumer groups a process runs, and their topics (without BUS_TOPIC_PREFIX), from its settings as the apps read them. */
function consumedBy(deployment: K8sObject, env: Record<string, string | undefined>): Array<{ group: string; topic: string }> {
  const entry: string = deployment.spec.template.spec.containers[0].command.find((part: string) => part.startsWith('dist/apps/'));
  const app = /^dist\/apps\/([a-z-]+)\//.exec(entry)?.[1];
  const roles = (env.INGEST_ROLES ?? 'http,raw').split(',');
  const reading = (...groups: Array<keyof typeof GROUP_TOPICS>) =>
    groups.flatMap((group) => GROUP_TOPICS[group].map((topic) => ({ group: ConsumerGroups[group], topic: Topics[topic] })));
  switch (app) {
    case 'ingest':
      return roles.includes('raw') ? reading('raw') : [];
    case 'lake':
      return reading('lake');
    case 'scoring':
      return env.SCORING_CONSUMER === 'false' ? [] : reading('scoring');
    case 'profile-api':
      return env.PROFILE_CONSUMER === 'false' ? [] : reading('profiles');
    case 'alerts':
      return reading('alerts', 'audit', 'deadLetters');
    case 'console':
      return [];
    default:
      throw new Error(`${deployment.metadata.name} runs no app of this project (${entry})`);
  }
}

/** The Secrets production creates itself (docs/deploy.md, "Secrets"): referenced, never rendered. */
const EXTERNAL_SECRETS = ['sentinel-secrets', 'sentinel-kafka-auth'];
const PRE_STOP_SECONDS = 5;

describe.each(['dev', 'production'])('deploy/k8s/overlays/%s', (overlay) => {
  let objects: K8sObject[];
  let suite: K8sObject[];
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const workloads = () => [...of('Deployment'), ...of('StatefulSet')];

  beforeAll(() => {
    objects = render(overlay);
    suite = of('Deployment').filter((d) => d.metadata.labels?.['app.kubernetes.io/part-of'] === 'sentinel-stream');
  });

  it('renders objects that the Kubernetes and KEDA schemas accept', () => {
    // kustomize folds a Secret's base64 at 70 columns; the API server's decoder skips the line breaks, the schema's format check does not.
    const unfolded = objects.map((o) =>
      o.kind === 'Secret' ? { ...o, data: Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, v.replace(/\s/g, '')])) } : o,
    );
    const problems = JSON.parse(run(process.execPath, ['tools/deploy/validate-k8s-objects.mjs'], JSON.stringify(unfolded)));
    expect(problems).toEqual([]);
    expect(suite.map((d) => d.metadata.name).sort()).toEqual(['alerts', 'console', 'ingest', 'ingest-raw', 'lake', 'profile-api', 'profile-folder', 'scoring']);
  });

  it('gives every container both probes, memory limits, requests, and a non-root user without privileges', () => {
    for (const workload of workloads()) {
      const pod = workload.spec.template.spec;
      expect({ workload: workload.metadata.name, runAsNonRoot: pod.securityContext?.runAsNonRoot, rootUser: pod.securityContext?.runAsUser === 0 }).toEqual({
        workload: workload.metadata.name,
        runAsNonRoot: true,
        rootUser: false,
      });
      for (const container of pod.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        expect({ where, liveness: !!container.livenessProbe, readiness: !!container.readinessProbe }).toEqual({ where, liveness: true, readiness: true });
        expect({
          where,
          limit: container.resources?.limits?.memory,
          cpu: container.resources?.requests?.cpu,
          memory: container.resources?.requests?.memory,
        }).toEqual({ where, limit: expect.any(String), cpu: expect.any(String), memory: expect.any(String) });
        expect({ where, escalation: container.securityContext?.allowPrivilegeEscalation }).toEqual({ where, escalation: false });
      }
    }
  });

  it('probes the services on /health/live and /health/ready, and has Prometheus scrape /metrics on their port', () => {
    for (const deployment of suite) {
      const pod = deployment.spec.template;
      const [container] = pod.spec.containers;
      const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      expect([container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual(['/health/live', '/health/ready']);
      expect(environmentOf(deployment, objects).PORT).toBe(String(port));
      expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(port) });
    }
  });

  it('lets a pod drain before it is killed: terminationGracePeriodSeconds above the preStop pause and SHUTDOWN_TIMEOUT_MS', () => {
    for (const deployment of suite) {
      const shutdownMs = Number(environmentOf(deployment, objects).SHUTDOWN_TIMEOUT_MS);
      expect(deployment.spec.template.spec.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', String(PRE_STOP_SECONDS)]);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(PRE_STOP_SECONDS * 1000 + shutdownMs);
    }
  });

  it('gives every Deployment a PodDisruptionBudget and every HTTP API a Service', () => {
    const selects = (selector: { matchLabels: Record<string, string> }, deployment: K8sObject) =>
      Object.entries(selector.matchLabels).every(([k, v]) => deployment.spec.template.metadata.labels[k] === v);
    for (const deployment of suite)
      expect({ deployment: deployment.metadata.name, budgets: of('PodDisruptionBudget').filter((b) => selects(b.spec.selector, deployment)).length }).toEqual({
        deployment: deployment.metadata.name,
        budgets: 1,
      });
    for (const api of ['ingest', 'scoring', 'profile-api', 'alerts']) {
      const deployment = suite.find((d) => d.metadata.name === api) as K8sObject;
      expect(
        of('Service')
          .filter((s) => selects({ matchLabels: s.spec.selector }, deployment))
          .map((s) => s.metadata.name),
      ).toEqual([api]);
    }
  });

  it('autoscales every consumer group of every process on its lag, up to one pod per partition, and the HTTP front ends on CPU, but the console', () => {
    for (const deployment of suite) {
      const env = environmentOf(deployment, objects);
      const prefix = env.BUS_TOPIC_PREFIX ?? '';
      const consumed = consumedBy(deployment, env).map(({ group, topic }) => ({ group: consumerGroup(prefix, group), topic: `${prefix}${topic}` }));
      const scaled = of('ScaledObject').filter((s) => s.spec.scaleTargetRef.name === deployment.metadata.name);
      const cpu = of('HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === deployment.metadata.name);
      const name = deployment.metadata.name;
      if (name === 'console') {
        // Its sign-in sessions live in its memory: one pod, never scaled out.
        expect({ name, replicas: deployment.spec.replicas, scaled: scaled.length, cpu: cpu.length }).toEqual({ name, replicas: 1, scaled: 0, cpu: 0 });
        continue;
      }
      if (consumed.length === 0) {
        expect({ name, scaled: scaled.length, cpu: cpu.map((h) => h.spec.metrics[0].resource.name) }).toEqual({ name, scaled: 0, cpu: ['cpu'] });
        continue;
      }
      expect({ name, scaled: scaled.length, cpu: cpu.length }).toEqual({ name, scaled: 1, cpu: 0 });
      const [scaledObject] = scaled;
      expect(scaledObject.spec.maxReplicaCount).toBe(Number(env.BUS_PARTITIONS));
      expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      const triggers = scaledObject.spec.triggers as Array<{ type: string; metadata: Record<string, string>; authenticationRef: { name: string } }>;
      expect(triggers.map((t) => ({ group: t.metadata.consumerGroup, topic: t.metadata.topic })).sort(byGroupAndTopic)).toEqual(consumed.sort(byGroupAndTopic));
      for (const trigger of triggers) {
        expect(trigger.type).toBe('kafka');
        expect(trigger.metadata.bootstrapServers).toBe((env.BUS_URL as string).replace(/^kafka(\+ssl)?:\/\//, ''));
        expect(Number(trigger.metadata.lagThreshold)).toBeGreaterThan(0);
        expect(of('TriggerAuthentication').map((t) => t.metadata.name)).toContain(trigger.authenticationRef.name);
      }
    }
  });

  it('names only Secrets, ConfigMaps and claims that exist, or that production creates itself', () => {
    const names = (kind: string) => of(kind).map((o) => o.metadata.name);
    const referenced = { secrets: new Set<string>(), configMaps: new Set<string>(), claims: new Set<string>() };
    for (const workload of workloads()) {
      const pod = workload.spec.template.spec;
      for (const container of pod.containers) {
        for (const variable of container.env ?? []) if (variable.valueFrom?.secretKeyRef) referenced.secrets.add(variable.valueFrom.secretKeyRef.name);
        for (const source of container.envFrom ?? []) if (source.configMapRef) referenced.configMaps.add(source.configMapRef.name);
      }
      for (const volume of pod.volumes ?? []) if (volume.persistentVolumeClaim) referenced.claims.add(volume.persistentVolumeClaim.claimName);
    }
    for (const auth of of('TriggerAuthentication')) for (const ref of auth.spec.secretTargetRef) referenced.secrets.add(ref.name);
    const external = overlay === 'production' ? EXTERNAL_SECRETS : [];
    expect([...referenced.secrets].filter((s) => !names('Secret').includes(s) && !external.includes(s))).toEqual([]);
    expect([...referenced.configMaps].filter((c) => !names('ConfigMap').includes(c))).toEqual([]);
    expect([...referenced.claims].filter((c) => !names('PersistentVolumeClaim').includes(c))).toEqual([]);
    if (overlay === 'production') {
      expect(names('Secret')).toEqual([]);
      const deployDoc = readFileSync(resolve(root, 'docs/deploy.md'), 'utf8');
      for (const secret of EXTERNAL_SECRETS) expect(deployDoc).toContain(`create secret generic ${secret} `);
    }
  });

  if (overlay === 'dev') {
    it('lets only the services reach the stores', () => {
      const stores = of('StatefulSet');
      expect(stores.map((s) => s.metadata.name).sort()).toEqual(['kafka', 'postgres', 'redis']);
      for (const store of stores) {
        const labels = store.spec.template.metadata.labels;
        const policies = of('NetworkPolicy').filter((p) => Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
        const sources = policies.flatMap((p) => p.spec.ingress.flatMap((rule: { from: unknown[] }) => rule.from));
        expect({ store: store.metadata.name, sources: sources.length > 0 }).toEqual({ store: store.metadata.name, sources: true });
        for (const source of sources as Array<{
          podSelector?: { matchLabels: Record<string, string> };
          namespaceSelector?: { matchLabels: Record<string, string> };
        }>) {
          if (source.podSelector) expect(source.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/part-of': 'sentinel-stream' });
          else expect(source.namespaceSelector?.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'keda' });
        }
      }
    });

    it('runs the processes docker-compose.yml runs, with the same settings', () => {
      const secret = (key: string) => environmentOf(suite.find((d) => d.metadata.name === 'alerts') as K8sObject, objects)[key] as string;
      const compose = parseYaml(
        run('docker-compose', ['-f', 'docker-compose.yml', 'config'], undefined, {
          API_KEYS: secret('API_KEYS'),
          WEBHOOK_SECRET_KEYS: secret('WEBHOOK_SECRET_KEYS'),
          CONSOLE_USERS: environmentOf(suite.find((d) => d.metadata.name === 'console') as K8sObject, objects).CONSOLE_USERS as string,
          CONSOLE_API_KEY: environmentOf(suite.find((d) => d.metadata.name === 'console') as K8sObject, objects).CONSOLE_API_KEY as string,
          GRAFANA_ADMIN_PASSWORD: 'not-a-process-of-the-suite',
        }),
      ) as {
        services: Record<string, { command: string[]; environment?: Record<string, string> }>;
      };
      const imageEnv = Object.fromEntries([...readFileSync(resolve(root, 'Dockerfile'), 'utf8').matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
      // The same process split in two on a cluster, where each half scales on its own signal.
      const composeServiceOf: Record<string, string> = {
        ingest: 'ingest',
        'ingest-raw': 'ingest',
        lake: 'lake',
        scoring: 'scoring',
        'profile-api': 'profile-api',
        'profile-folder': 'profile-api',
        alerts: 'alerts',
        console: 'console',
      };
      const splitBy = ['INGEST_ROLES', 'PROFILE_CONSUMER'];
      // Where the other services answer: each platform's own names and ports.
      const addresses = ['INGEST_URL', 'SCORING_URL', 'PROFILE_API_URL', 'ALERTS_URL', 'LAKE_URL'];
      const without = (env: Record<string, string | undefined>) =>
        Object.fromEntries(Object.entries(env).filter(([k]) => !splitBy.includes(k) && !addresses.includes(k)));
      for (const deployment of suite) {
        const service = compose.services[composeServiceOf[deployment.metadata.name]];
        const env = environmentOf(deployment, objects);
        expect({ deployment: deployment.metadata.name, command: deployment.spec.template.spec.containers[0].command, env: without(env) }).toEqual({
          deployment: deployment.metadata.name,
          command: service.command,
          env: without({ ...imageEnv, ...service.environment }),
        });
      }
      for (const [service, { environment }] of Object.entries(compose.services).filter(([, s]) => s.environment?.INGEST_ROLES)) {
        const halves = suite
          .filter((d) => composeServiceOf[d.metadata.name] === service)
          .flatMap((d) => (environmentOf(d, objects).INGEST_ROLES as string).split(','));
        expect(halves.sort()).toEqual((environment?.INGEST_ROLES as string).split(',').sort());
      }
      const folders = suite.filter((d) => composeServiceOf[d.metadata.name] === 'profile-api' && environmentOf(d, objects).PROFILE_CONSUMER !== 'false');
      expect(folders.map((d) => d.metadata.name)).toEqual(['profile-folder']);
    });
  }
});

describe('docker-compose.yml', () => {
  it('has Prometheus scrape every process of the suite on its port, and Grafana provisioned with the pipeline dashboard', () => {
    const compose = parseYaml(
      run('docker-compose', ['-f', 'docker-compose.yml', 'config'], undefined, {
        API_KEYS: 'x',
        WEBHOOK_SECRET_KEYS: 'y',
        CONSOLE_USERS: 'operator=z',
        CONSOLE_API_KEY: 'w',
        GRAFANA_ADMIN_PASSWORD: 'v',
      }),
    ) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: Array<string | { source: string; target: string }> }>;
    };
    const processes = Object.entries(compose.services).filter(([, s]) => s.command?.some((part) => part.startsWith('dist/apps/')));
    const prometheus = parseYaml(readFileSync(resolve(root, 'infra/observability/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(processes.map(([name, s]) => `${name}:${s.environment?.PORT}`).sort());
    // docker-compose v1 renders a volume as "source:target:mode", v2 as an object.
    const mounted = (compose.services.grafana.volumes ?? []).map((v) =>
      typeof v === 'string'
        ? (v as string)
            .split(':')
            .slice(0, 2)
            .map((p) => p.replace(`${root}/`, ''))
        : [v.source.replace(`${root}/`, ''), v.target],
    );
    expect(mounted).toEqual(
      expect.arrayContaining([
        ['infra/observability/grafana/provisioning', '/etc/grafana/provisioning'],
        ['infra/observability/grafana/dashboards', '/var/lib/grafana/dashboards'],
      ]),
    );
  });

  it('passes docker-compose config, and refuses to start without the keys production needs', () => {
    const keys = { API_KEYS: 'x', WEBHOOK_SECRET_KEYS: 'y', CONSOLE_USERS: 'operator=z', CONSOLE_API_KEY: 'w', GRAFANA_ADMIN_PASSWORD: 'v' };
    expect(() => run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], undefined, keys)).not.toThrow();
    const unset: NodeJS.ProcessEnv = { ...process.env, ...keys };
    delete unset.API_KEYS;
    let refusal = '';
    try {
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: root,
        env: unset,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      refusal = (error as { stderr: string }).stderr;
    }
    expect(refusal).toMatch(/set API_KEYS to scoped keys/);
  });
});

const byGroupAndTopic = (a: { group: string; topic: string }, b: { group: string; topic: string }) =>
  `${a.group}/${a.topic}`.localeCompare(`${b.group}/${b.topic}`);

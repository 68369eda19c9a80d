import type { BusRecord } from '@app/bus';
import type { EnrichedEvent, EventIn, Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { sleep, TestDeployment, testEnv, uniqueName, type collectTopic, type SuiteProcessName } from '@app/testing';
import { simulationOptions } from '../simulate/simulate';
import { simulate, withIdPrefix } from '../simulate/simulation';

/** The consumers that scale out: two instances each at the start, one more joins, then one of each is killed. */
const SCALED: SuiteProcessName[] = ['scoring', 'profile-api', 'alerts'];
export const PARTITIONS = 8;

export interface Handover {
  name: 'join' | 'kill';
  /** When it struck, ms since the epoch. */
  at: number;
  /** Events accepted by ingest, and events scored (distinct ids), when it struck. */
  sent: number;
  scored: number;
  /** When the next handover struck, or sending ended. */
  until: number;
  /** The longest a partition of `scores` went without a new score from the moment it struck, per partition. */
  longestGapMsByPartition: number[];
}

export interface ScaleOutOptions {
  /** Events a second sent to ingest over HTTP while the handovers happen. */
  rate: number;
  /** Seconds of traffic before the join, after the joiners are ready, and after the kill. */
  warmS: number;
  afterJoinS: number;
  afterKillS: number;
}

/**
 * The suite on Kafka, topics of 8 partitions, with two instances each of scoring, profile-api (folding)
 * and alerts and two lake sinks: under steady traffic a third instance of each scaled service joins
 * (a rebalance), then one instance of each, and one lake sink, is killed with SIGKILL and not started
 * again (its partitions move to the others after its session, 30 s). Used by test/e2e/scale-out.int-spec.ts
 * (which checks nothing was lost or counted twice) and by `npm run bench:scale-out` (which reports it).
 */
export class ScaleOutScenario {
  readonly run = uniqueName('so');
  readonly sent: EventIn[] = [];
  readonly handovers: Handover[] = [];
  deployment!: TestDeployment;
  private scores!: Awaited<ReturnType<typeof collectTopic>>;
  private enriched!: Awaited<ReturnType<typeof collectTopic>>;

  async start(): Promise<void> {
    this.deployment = await TestDeployment.start({
      name: 'scale-out',
      busUrl: `kafka://${testEnv.kafkaBrokers}`,
      partitions: PARTITIONS,
      env: { SCORING_EMIT_FEATURES: 'true' },
      instances: { lake: 2, scoring: 2, 'profile-api': 2, alerts: 2 },
    });
    this.scores = await this.deployment.collect(this.deployment.topics.scores);
    this.enriched = await this.deployment.collect(this.deployment.topics.enriched);
  }

  /** Sends traffic at `rate` through the join and the kill; returns once the last event was accepted. */
  async drive(options: ScaleOutOptions): Promise<void> {
    const geo = await GeoLookup.open();
    const events = simulate(simulationOptions({ seed: '11', customers: '800', terminals: '1600', days: '21' }, geo));
    let sending = true;
    const sender = (async () => {
      const perTick = Math.max(1, Math.round(options.rate / 10));
      for (let next = Date.now(); sending; next += 100) {
        const batch: EventIn[] = [];
        for (let r = events.next(); !r.done; r = events.next()) {
          batch.push(withIdPrefix(r.value.event, `${this.run}-`));
          if (batch.length === perTick) break;
        }
        if (batch.length === 0) throw new Error('the simulation ran out of events before the scenario ended');
        await this.deployment.suite.sendUntilAccepted(batch);
        this.sent.push(...batch);
        await sleep(Math.max(0, next + 100 - Date.now()));
      }
    })();
    sender.catch(() => undefined); // surfaced below, or by the wait it ends

    await this.during(sender, options.warmS * 1000);
    const join = this.mark('join');
    await Promise.all(SCALED.map((service) => this.deployment.suite.add(service)));
    await this.during(sender, options.afterJoinS * 1000);
    const kill = this.mark('kill');
    join.until = kill.at;
    await Promise.all([...SCALED, 'lake' as const].map((service) => this.deployment.suite.kill(service)));
    await this.during(sender, options.afterKillS * 1000);
    sending = false;
    await sender;
  }

  /** Scores published so far (a test's own reader group; a score may be there twice after a handover). */
  scoreValues(): Score[] {
    return this.scores.values() as Score[];
  }

  /** The enriched events, once each, by id. */
  enrichedById(): Map<string, EnrichedEvent> {
    return new Map((this.enriched.values() as EnrichedEvent[]).map((e) => [e.eventId, e]));
  }

  /** Fills each handover's longest gaps between scores per partition (call once everything is scored: the last handover's window runs to now). */
  measurePauses(): void {
    this.handovers[this.handovers.length - 1].until = Date.now();
    const byPartition = new Map<number, number[]>();
    for (const record of this.scores.records as BusRecord[]) {
      const times = byPartition.get(record.partition);
      if (times) times.push(record.timestamp);
      else byPartition.set(record.partition, [record.timestamp]);
    }
    for (const handover of this.handovers) {
      handover.longestGapMsByPartition = Array.from({ length: PARTITIONS }, (_, partition) => {
        const times = (byPartition.get(partition) ?? []).filter((t) => t >= handover.at && t <= handover.until).sort((a, b) => a - b);
        let longest = times.length > 0 ? times[0] - handover.at : handover.until - handover.at;
        for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
        return longest;
      });
    }
  }

  async stop(): Promise<void> {
    await this.deployment?.stop();
  }

  private mark(name: Handover['name']): Handover {
    const handover: Handover = {
      name,
      at: Date.now(),
      sent: this.sent.length,
      scored: new Set(this.scoreValues().map((s) => s.eventId)).size,
      until: 0,
      longestGapMsByPartition: [],
    };
    this.handovers.push(handover);
    return handover;
  }

  /** Waits `ms` while traffic flows; a failed sender ends the wait. */
  private async during(sender: Promise<void>, ms: number): Promise<void> {
    await Promise.race([sleep(ms), sender]);
  }
}

import { lru, type LRU } from 'tiny-lru';
import {
  MEMBER_OF,
  NO_MEMBER,
  REFERENCE_DATASETS,
  referenceFacts,
  type DatasetAnswer,
  type DatasetAnswers,
  type DatasetMembers,
  type ReferenceDataset,
  type ReferenceFacts,
  type ReferenceLookup,
  type ReferenceQuery,
} from './reference-data.reader';

/** Where the cache's misses are answered: Redis, in one round trip (ReferenceDataReader.fetch). */
export interface ReferenceFetch {
  fetch(members: DatasetMembers): Promise<DatasetAnswers>;
}

/** How many lookups the cache answered itself, and how many it asked Redis for (per event, per batch). */
export interface ReferenceCacheCounts {
  cached: number;
  fetched: number;
}

/**
 * Reference data's answers kept in process, per dataset and member (a merchant's facts, a deny-list's
 * membership, answers of "not there" too), so that a batch whose members were all seen lately costs no
 * round trip: for one event or one decision, the round trip is the request's largest cost after the
 * append. Redis tells us when to forget (ReferenceChanges): the cache is trusted only while that is
 * known to work, and a dataset changed in Redis is forgotten whole (datasets are replaced whole).
 * An answer fetched while its dataset was forgotten (a change crossed the fetch) is used but not kept.
 */
export class ReferenceDataCache implements ReferenceLookup {
  private readonly answers: { [D in ReferenceDataset]: LRU<DatasetAnswer<D>> };
  /** Per dataset, bumped whenever it is forgotten: a fetch keeps its answers only if none crossed it. */
  private readonly generations: Record<ReferenceDataset, number> = { merchants: 0, denyIps: 0, denyDevices: 0, denyEmailDomains: 0 };
  private trusted = false;

  constructor(
    private readonly source: ReferenceFetch,
    entriesPerDataset: number,
    private readonly counted: (counts: ReferenceCacheCounts) => void = () => undefined,
  ) {
    this.answers = {
      merchants: lru(entriesPerDataset),
      denyIps: lru(entriesPerDataset),
      denyDevices: lru(entriesPerDataset),
      denyEmailDomains: lru(entriesPerDataset),
    };
  }

  /** Changes are heard from now on: answers fetched from now may be kept. */
  trust(): void {
    this.forget(REFERENCE_DATASETS);
    this.trusted = true;
  }

  /** Changes may go unheard (the connection that hears them is down): nothing is kept or used. */
  distrust(): void {
    this.trusted = false;
    this.forget(REFERENCE_DATASETS);
  }

  forget(datasets: readonly ReferenceDataset[]): void {
    for (const dataset of datasets) {
      this.generations[dataset]++;
      this.answers[dataset].clear();
    }
  }

  async lookup(queries: readonly ReferenceQuery[]): Promise<ReferenceFacts[]> {
    /** Per dataset and event: the answer held, or where the fetch's answer will be (slots; -1: held). */
    const held: { [D in ReferenceDataset]?: Array<DatasetAnswer<D>> } = {};
    const slots = {} as Record<ReferenceDataset, number[]>;
    const missing: { [D in ReferenceDataset]?: Map<string, number> } = {};
    for (const dataset of REFERENCE_DATASETS) {
      const cache = this.answers[dataset] as LRU<DatasetAnswer<typeof dataset>>;
      const found: Array<DatasetAnswer<typeof dataset>> = new Array(queries.length);
      const slot = new Array<number>(queries.length).fill(-1);
      queries.forEach((query, i) => {
        const member = MEMBER_OF[dataset](query);
        if (!member) return void (found[i] = NO_MEMBER[dataset]);
        const answer = this.trusted ? cache.get(member) : undefined;
        if (answer !== undefined) return void (found[i] = answer);
        const asked = (missing[dataset] ??= new Map());
        let at = asked.get(member);
        if (at === undefined) asked.set(member, (at = asked.size));
        slot[i] = at;
      });
      (held as Record<ReferenceDataset, unknown>)[dataset] = found;
      slots[dataset] = slot;
    }
    const eventsMissing = queries.filter((_, i) => REFERENCE_DATASETS.some((dataset) => slots[dataset][i] >= 0)).length;
    this.counted({ cached: queries.length - eventsMissing, fetched: eventsMissing });
    const fetched = eventsMissing === 0 ? {} : await this.fetch(missing);
    return queries.map((_, i) =>
      referenceFacts((dataset) => {
        const at = slots[dataset][i];
        return (at < 0 ? held[dataset]![i] : fetched[dataset]![at]) as DatasetAnswer<typeof dataset>;
      }),
    );
  }

  private async fetch(missing: { [D in ReferenceDataset]?: Map<string, number> }): Promise<DatasetAnswers> {
    const members: DatasetMembers = {};
    for (const dataset of REFERENCE_DATASETS) if (missing[dataset]) members[dataset] = [...missing[dataset].keys()];
    const trusted = this.trusted;
    const generations = { ...this.generations };
    const answers = await this.source.fetch(members);
    if (trusted && this.trusted) {
      for (const dataset of REFERENCE_DATASETS) {
        const asked = members[dataset];
        if (!asked || this.generations[dataset] !== generations[dataset]) continue;
        const cache = this.answers[dataset] as LRU<DatasetAnswer<typeof dataset>>;
        asked.forEach((member, i) => cache.set(member, answers[dataset]![i] as DatasetAnswer<typeof dataset>));
      }
    }
    return answers;
  }
}

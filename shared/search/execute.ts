import { indexEntryPartition } from '#shared/db/keys';
import { queryEntries } from '#shared/db/index-entries-repo';
import { matchesValue } from '#shared/search/evaluate';
import type { KeyRange, LookupPlan, Plan } from '#shared/search/plan';

/**
 * Runs a plan against the index entries. Every lookup reads its ranges in all shards a page at a
 * time; an intersection advances its clauses together and stops as soon as one is read to its
 * end, so its cost follows its most selective clause (the others' partial reads are dropped and
 * their terms checked on the users instead). Candidates come out as user id -> created_at.
 */
export interface Candidates {
  ids: Map<string, string>;
  /** Every clause was read to its end: the ids are the plan's exact result. */
  complete: boolean;
  /** Index entries read. */
  entriesRead: number;
}

/** Entries per Query page (well under 1 MB: an entry is ~100 bytes). */
const PAGE = 1000;

interface Cursor {
  readonly done: boolean;
  /** Reads one more page from every unfinished range; resolves to the entries read. */
  step(): Promise<number>;
  ids(): Map<string, string>;
  complete(): boolean;
}

class LookupCursor implements Cursor {
  private readonly found = new Map<string, string>();
  private readonly pending: { pk: string; range: KeyRange; start?: Record<string, unknown> }[];

  constructor(private readonly lookup: LookupPlan) {
    const { index } = lookup;
    this.pending = Array.from({ length: index.shards }, (_, shard) => indexEntryPartition(index.path, index.generation, shard)).flatMap(
      (pk) => lookup.ranges.map((range) => ({ pk, range })),
    );
  }

  get done() {
    return this.pending.length === 0;
  }

  async step(): Promise<number> {
    const pages = await Promise.all(
      this.pending.map(async (read) => ({ read, page: await queryEntries(read.pk, read.range, { start: read.start, limit: PAGE }) })),
    );
    let count = 0;
    for (const { read, page } of pages) {
      count += page.entries.length;
      for (const entry of page.entries) {
        if (this.accepts(entry.v)) this.found.set(entry.u, entry.c);
      }
      read.start = page.next;
    }
    this.pending.splice(0, this.pending.length, ...this.pending.filter((read) => read.start !== undefined));
    return count;
  }

  /** A range may hold entries the term does not match (a wildcard's suffix, a date's zone): each is checked. */
  private accepts(value: unknown): boolean {
    const { term, compareAs } = this.lookup;
    return term.value.kind === 'exists' || matchesValue(compareAs, term.value, value);
  }

  ids() {
    return this.found;
  }

  complete() {
    return this.done;
  }
}

class UnionCursor implements Cursor {
  constructor(private readonly children: Cursor[]) {}

  get done() {
    return this.children.every((child) => child.done);
  }

  async step(): Promise<number> {
    const counts = await Promise.all(this.children.filter((child) => !child.done).map((child) => child.step()));
    return counts.reduce((a, b) => a + b, 0);
  }

  ids() {
    const all = new Map<string, string>();
    for (const child of this.children) for (const [id, created] of child.ids()) all.set(id, created);
    return all;
  }

  complete() {
    return this.children.every((child) => child.complete());
  }
}

class IntersectCursor implements Cursor {
  constructor(private readonly children: Cursor[]) {}

  /** One clause read to its end bounds the result. */
  get done() {
    return this.children.some((child) => child.done);
  }

  async step(): Promise<number> {
    const counts = await Promise.all(this.children.map((child) => child.step()));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** The ids every finished clause holds (unfinished clauses are checked on the users later). */
  ids() {
    const sets = this.children.filter((child) => child.done).map((child) => child.ids()).sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sets;
    if (!smallest) return new Map<string, string>();
    return new Map([...smallest].filter(([id]) => others.every((set) => set.has(id))));
  }

  complete() {
    return this.children.every((child) => child.complete());
  }
}

function cursorFor(plan: Plan): Cursor {
  if (plan.kind === 'lookup') return new LookupCursor(plan);
  const children = plan.children.map(cursorFor);
  return plan.kind === 'union' ? new UnionCursor(children) : new IntersectCursor(children);
}

/**
 * Reads the plan's candidates. `budget` caps the entries read: past it, `onOverBudget` throws
 * (the query is too broad for one request), so no partial result is ever returned.
 */
export async function findCandidates(plan: Plan, budget: number, onOverBudget: (read: number) => never): Promise<Candidates> {
  const cursor = cursorFor(plan);
  let entriesRead = 0;
  while (!cursor.done) {
    entriesRead += await cursor.step();
    if (entriesRead > budget) onOverBudget(entriesRead);
  }
  return { ids: cursor.ids(), complete: cursor.complete(), entriesRead };
}

import { indexEntryPartition } from '#shared/db/keys';
import { EntryReader, ReadBudgetSpentError } from '#shared/management/search/entry-reader';
import { matchesValue } from '#shared/management/search/evaluate';
import type { KeyRange, LookupPlan, Plan } from '#shared/management/search/plan';

/**
 * Runs a plan against the index entries. Every lookup reads its ranges in all shards a page at a
 * time. An intersection advances its clauses together; once one is read to its end, the others
 * go on only while that is cheaper than fetching its candidates to check them (an entry costs
 * about 1/60 of a fetched user and its login statistics), so its cost follows its most selective
 * clause either way. Candidates come out as user id -> created_at. Pages are issued through one
 * EntryReader per search, which caps the Queries in flight and keeps them within the budget.
 */
export interface Candidates {
  ids: Map<string, string>;
  /** Every clause was read to its end: the ids are the plan's exact result. */
  complete: boolean;
  /** Index entries read. */
  entriesRead: number;
}

interface Cursor {
  readonly done: boolean;
  /** Entries read so far. */
  readonly read: number;
  /** Reads one more page from every unfinished range; resolves to the entries read. */
  step(): Promise<number>;
  ids(): Map<string, string>;
  complete(): boolean;
}

class LookupCursor implements Cursor {
  private readonly found = new Map<string, string>();
  read = 0;
  private readonly pending: { pk: string; range: KeyRange; start?: Record<string, unknown> }[];

  constructor(
    private readonly lookup: LookupPlan,
    private readonly reader: EntryReader,
  ) {
    const { index } = lookup;
    this.pending = Array.from({ length: index.shards }, (_, shard) => indexEntryPartition(index.path, index.generation, shard)).flatMap(
      (pk) => lookup.ranges.map((range) => ({ pk, range })),
    );
    for (const { pk, range } of this.pending) reader.register(pk, range);
  }

  get done() {
    return this.pending.length === 0;
  }

  async step(): Promise<number> {
    const pages = await Promise.all(
      this.pending.map(async (read) => ({ read, page: await this.reader.page(read.pk, read.range, read.start) })),
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
    this.read += count;
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

const readOf = (cursors: readonly Cursor[]) => cursors.reduce((sum, cursor) => sum + cursor.read, 0);

/** A union or intersection: advances its unfinished clauses together. */
abstract class CompoundCursor implements Cursor {
  constructor(protected readonly children: Cursor[]) {}

  abstract get done(): boolean;
  abstract ids(): Map<string, string>;

  get read() {
    return readOf(this.children);
  }

  async step(): Promise<number> {
    const counts = await Promise.all(this.children.filter((child) => !child.done).map((child) => child.step()));
    return counts.reduce((a, b) => a + b, 0);
  }

  complete() {
    return this.children.every((child) => child.complete());
  }
}

class UnionCursor extends CompoundCursor {
  /** Built once the union is finished (an intersection asks for its size after every step). */
  private finished: Map<string, string> | undefined;

  get done() {
    return this.children.every((child) => child.done);
  }

  ids() {
    if (this.finished) return this.finished;
    const all = new Map<string, string>();
    for (const child of this.children) for (const [id, created] of child.ids()) all.set(id, created);
    if (this.done) this.finished = all;
    return all;
  }
}

/** A fetched candidate (profile and login statistics, 1 RCU each) costs about as much as this many entries (~30 per RCU). */
const ENTRIES_PER_FETCH = 60;

class IntersectCursor extends CompoundCursor {
  /** `readLimit`: past this many entries, stop reading as soon as one clause is finished. */
  constructor(children: Cursor[], private readonly readLimit: number) {
    super(children);
  }

  /**
   * Every clause read to its end (the exact intersection), or one finished clause bounds the
   * result and reading the others further would cost more than checking its candidates.
   */
  get done() {
    const finished = this.children.filter((child) => child.done);
    if (finished.length === 0) return false;
    if (finished.length === this.children.length) return true;
    const candidates = Math.min(...finished.map((child) => child.ids().size));
    const unfinished = this.children.filter((child) => !child.done);
    return readOf(unfinished) >= ENTRIES_PER_FETCH * candidates || this.read >= this.readLimit;
  }

  /** The ids every finished clause holds (unfinished clauses are checked on the users later). */
  ids() {
    const sets = this.children.filter((child) => child.done).map((child) => child.ids()).sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sets;
    if (!smallest) return new Map<string, string>();
    return new Map([...smallest].filter(([id]) => others.every((set) => set.has(id))));
  }
}

function cursorFor(plan: Plan, readLimit: number, reader: EntryReader): Cursor {
  if (plan.kind === 'lookup') return new LookupCursor(plan, reader);
  const children = plan.children.map((child) => cursorFor(child, readLimit, reader));
  return plan.kind === 'union' ? new UnionCursor(children) : new IntersectCursor(children, readLimit);
}

/**
 * Reads the plan's candidates. `budget` caps the entries read (each Query counted as at least
 * QUERY_CHARGE, see entry-reader.ts): when it cannot pay for a page the plan needs,
 * `onOverBudget` throws with what was charged (the query is too broad for one request), so no
 * partial result is ever returned.
 */
export async function findCandidates(plan: Plan, budget: number, onOverBudget: (charged: number) => never): Promise<Candidates> {
  const reader = new EntryReader(budget);
  // Half the budget for reading on past a finished clause, so that doing so never ends in a 400.
  const cursor = cursorFor(plan, budget / 2, reader);
  try {
    reader.assertAffordable();
    while (!cursor.done) await cursor.step();
  } catch (error) {
    if (error instanceof ReadBudgetSpentError) onOverBudget(error.charged);
    throw error;
  }
  return { ids: cursor.ids(), complete: cursor.complete(), entriesRead: reader.entries };
}

import { queryEntries, type EntryPage } from '#shared/db/index-entries-repo';
import type { KeyRange } from '#shared/management/search/plan';

/** Entries per Query page (well under 1 MB: an entry is ~100 bytes). */
export const PAGE = 1000;

/**
 * Queries one search keeps in flight (the SDK's connection pool holds 50). Four root-field
 * lookups' 8 shards at once; a term on every unfielded root field (64 Queries) takes two rounds
 * of ~10 ms instead of one. At most 32,000 entries in flight, a third of the default budget.
 */
export const MAX_IN_FLIGHT = 32;

/**
 * What one Query counts against the budget at least: a strongly consistent Query is billed at
 * least 1 RCU (4 KB), what ~30 entries cost. Without it, a query of many empty ranges (100
 * distinct unfielded terms: 6,400 Queries) would read nothing and still cost thousands of RCU.
 */
export const QUERY_CHARGE = 30;

/** The budget cannot pay for the next page a search needs. */
export class ReadBudgetSpentError extends Error {
  constructor(readonly charged: number) {
    super(`Index read budget spent (${charged} charged)`);
  }
}

interface Request {
  pk: string;
  range: KeyRange;
  start: Record<string, unknown> | undefined;
  resolve: (page: EntryPage) => void;
  reject: (error: unknown) => void;
}

const rangeKey = (pk: string, range: KeyRange) => JSON.stringify([pk, range]);

/**
 * Reads index pages for one search, within a budget of entries (SEARCH_INDEX_BUDGET). A page is
 * issued only when the budget minus what is already charged and what the pages in flight may
 * read can pay for it, and its Limit is its share of what is left (at most PAGE): what is charged
 * never exceeds the budget, however many ranges a query asks for. When a page is needed and
 * nothing in flight can free any budget, the search is refused (ReadBudgetSpentError). A page of
 * a partition and range that several lookups read is read once for all of them.
 */
export class EntryReader {
  /** Entries read, and what they were charged (each Query at least QUERY_CHARGE). */
  entries = 0;
  charged = 0;
  private reserved = 0;
  private inFlight = 0;
  private failure: unknown;
  private readonly queue: Request[] = [];
  private readonly readers = new Map<string, number>();
  private readonly shared = new Map<string, { page: Promise<EntryPage>; readers: number }>();

  constructor(private readonly budget: number) {}

  /** Declares one more lookup that will read this range from its start. */
  register(pk: string, range: KeyRange): void {
    const key = rangeKey(pk, range);
    this.readers.set(key, (this.readers.get(key) ?? 0) + 1);
  }

  /**
   * Refuses at once a search whose ranges cost more than the budget even if each were read in one
   * page (every range is read at least once): 100 distinct unfielded terms need 6,400 Queries,
   * and reading until the budget runs out would spend it for an answer that cannot come.
   */
  assertAffordable(): void {
    if (this.readers.size * QUERY_CHARGE > this.budget) throw new ReadBudgetSpentError(this.charged);
  }

  /** The page of the range from `start`; the lookups sharing the range get the same page. */
  page(pk: string, range: KeyRange, start: Record<string, unknown> | undefined): Promise<EntryPage> {
    const key = `${rangeKey(pk, range)}${JSON.stringify(start ?? null)}`;
    const shared = this.shared.get(key);
    if (shared) {
      if (--shared.readers === 0) this.shared.delete(key);
      return shared.page;
    }
    const page = new Promise<EntryPage>((resolve, reject) => this.queue.push({ pk, range, start, resolve, reject }));
    const others = (this.readers.get(rangeKey(pk, range)) ?? 1) - 1;
    if (others > 0) this.shared.set(key, { page, readers: others });
    this.pump();
    return page;
  }

  /** Issues queued pages while a slot is free and the budget can pay; refuses when it never will. */
  private pump(): void {
    while (this.queue.length > 0) {
      if (this.failure !== undefined) {
        for (const request of this.queue.splice(0)) request.reject(this.failure);
        return;
      }
      const available = this.budget - this.charged - this.reserved;
      const slots = Math.min(this.queue.length, MAX_IN_FLIGHT - this.inFlight);
      if (slots > 0 && available >= QUERY_CHARGE) {
        // What is left is shared by the pages about to go out, so that a tight budget still reads side by side.
        void this.send(this.queue.shift()!, Math.min(PAGE, Math.max(QUERY_CHARGE, Math.floor(available / slots))));
      } else if (this.inFlight === 0) {
        this.failure = new ReadBudgetSpentError(this.charged);
      } else {
        return; // a page in flight pumps again when it lands
      }
    }
  }

  private async send(request: Request, limit: number): Promise<void> {
    this.inFlight++;
    this.reserved += limit;
    try {
      const page = await queryEntries(request.pk, request.range, { start: request.start, limit });
      this.entries += page.entries.length;
      this.charged += Math.max(page.entries.length, QUERY_CHARGE);
      request.resolve(page);
    } catch (error) {
      // The search fails with this error; nothing queued behind it is worth reading.
      this.failure ??= error;
      request.reject(error);
    } finally {
      this.inFlight--;
      this.reserved -= limit;
      this.pump();
    }
  }
}

import type { RequestRecord } from '#shared/http/handler';

/** Percentiles, averages and command tallies for the benchmark's report. */
export const round = (n: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Nearest-rank percentile (q in 0..1) of an unsorted list. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

export interface LatencySummary {
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function summarise(values: number[]): LatencySummary {
  return {
    p50: round(percentile(values, 0.5)),
    p99: round(percentile(values, 0.99)),
    mean: round(mean(values)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

export interface DbSummary {
  /** Averages per request. */
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Ranges, to show whether the figures are constant. */
  requestsRange: [number, number];
  readUnitsRange: [number, number];
  writeUnitsRange: [number, number];
  /** Each distinct command list and how many requests issued it. */
  commandLists: { commands: string[]; count: number }[];
}

const range = (values: number[]): [number, number] => [round(Math.min(...values), 3), round(Math.max(...values), 3)];

export function summariseDb(records: RequestRecord[]): DbSummary {
  const tally = new Map<string, { commands: string[]; count: number }>();
  for (const r of records) {
    const key = r.db.commands.join(',');
    const entry = tally.get(key) ?? { commands: [...r.db.commands], count: 0 };
    entry.count += 1;
    tally.set(key, entry);
  }
  const requests = records.map((r) => r.db.requests);
  const reads = records.map((r) => r.db.readUnits);
  const writes = records.map((r) => r.db.writeUnits);
  return {
    requests: round(mean(requests), 3),
    readUnits: round(mean(reads), 3),
    writeUnits: round(mean(writes), 3),
    requestsRange: range(requests),
    readUnitsRange: range(reads),
    writeUnitsRange: range(writes),
    commandLists: [...tally.values()].sort((a, b) => b.count - a.count),
  };
}

export function describeCommands(lists: { commands: string[]; count: number }[]): string {
  if (lists.length === 0) return '-';
  if (lists.length === 1) return lists[0]!.commands.join('+') || '(none)';
  return lists.map((l) => `${l.commands.join('+') || '(none)'} x${l.count}`).join('; ');
}

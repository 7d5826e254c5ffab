import type { RequestRecord } from '#shared/http/handler';

/**
 * One section of `npm run bench`: it measures (`run`), then says what it found (`report`, the
 * console lines) and which targets that meets (`targets`). run.ts composes the sections; the
 * context each one needs (a table, or the whole service over HTTP) comes from context.ts.
 */
export interface Section<Results, Context> {
  readonly name: string;
  run(ctx: Context): Promise<Results>;
  /** Console lines, newline-separated, printed as one block. */
  report(results: Results, run: RunInfo): string;
  targets(results: Results, run: RunInfo): TargetCheck[];
}

export interface TargetCheck {
  target: string;
  pass: boolean;
  detail: string;
}

/** What the whole run saw, for the reports and checks that look past one section's requests. */
export interface RunInfo {
  /** Every request the handler wrapper reported, in completion order. */
  records: readonly RequestRecord[];
  /** 1/5/15-minute load averages when the run started and when its targets were checked. */
  load: { atStart: number[]; atEnd: number[] };
}

/** The target table printed at the end of every run. */
export function targetLines(targets: readonly TargetCheck[]): string[] {
  return targets.map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`);
}

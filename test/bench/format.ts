/** Number and table formatting shared by the reports of the operations and logins sections. */
export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export const signed = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n)}`;

/** A per-request mean, with its range when it varied. */
export const units = (n: number, r: [number, number]) => (r[0] === r[1] ? fmt(n, 1) : `${fmt(n, 2)} (${r[0]}-${r[1]})`);

export function table(headers: string[], rows: string[][], rightAlign: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.map(line)].join('\n');
}

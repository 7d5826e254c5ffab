import type { LogLine } from '#shared/sandbox/contract';

/**
 * What rules and actions print, kept on the host side so it survives a rule that times out or
 * exhausts memory, and bounded so a rule logging in a loop cannot grow the output without end.
 */
export const MAX_LOG_LINES = 100;
export const MAX_LOG_CHARS = 1000;

const LEVELS: ReadonlySet<string> = new Set(['log', 'info', 'warn', 'error']);

export class LogCollector {
  private readonly kept: LogLine[] = [];
  private dropped = false;

  add(source: string, level: string, message: string): void {
    // One slot stays free for the line that says lines were dropped.
    if (this.kept.length >= MAX_LOG_LINES - 1) {
      this.dropped = true;
      return;
    }
    this.kept.push({
      source: source.slice(0, 200),
      level: LEVELS.has(level) ? (level as LogLine['level']) : 'log',
      message: message.length > MAX_LOG_CHARS ? `${message.slice(0, MAX_LOG_CHARS - 1)}…` : message,
    });
  }

  get lines(): LogLine[] {
    if (!this.dropped) return [...this.kept];
    return [...this.kept, { source: 'sandbox', level: 'warn', message: `Further log lines were dropped (at most ${MAX_LOG_LINES} are kept).` }];
  }
}

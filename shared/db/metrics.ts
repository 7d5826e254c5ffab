import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * DynamoDB requests, consumed capacity and items read, counted per API request. Every command
 * asks DynamoDB for its consumed capacity (free of charge); the handler wrapper logs the totals,
 * and the benchmark reads them. Counting happens in one SDK middleware, so no repository can
 * forget it.
 */
export interface DbMetrics {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /**
   * Items DynamoDB read: a Query's or Scan's ScannedCount (before any filter, so what it is billed
   * for), the items a GetItem, BatchGetItem or TransactGetItems returned.
   */
  itemsRead: number;
  /** Commands by name, in order, e.g. ["GetItem", "UpdateItem"]. */
  commands: string[];
}

const store = new AsyncLocalStorage<DbMetrics>();

export const emptyMetrics = (): DbMetrics => ({ requests: 0, readUnits: 0, writeUnits: 0, itemsRead: 0, commands: [] });

export async function withDbMetrics<T>(fn: () => Promise<T>): Promise<{ result: T; metrics: DbMetrics }> {
  const metrics = emptyMetrics();
  const result = await store.run(metrics, fn);
  return { result, metrics };
}

const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

interface Capacity {
  CapacityUnits?: number;
}

/** What a command's output says about its cost (the fields it may carry, whatever its kind). */
export interface CommandOutput {
  ConsumedCapacity?: Capacity | Capacity[];
  ScannedCount?: number;
  Item?: unknown;
  /** BatchGetItem: items by table; TransactGetItems: one entry per requested item. */
  Responses?: Record<string, unknown[]> | { Item?: unknown }[];
}

/** Items a read command read, from its output. */
export function itemsReadBy(commandName: string, output: CommandOutput | undefined): number {
  if (!output) return 0;
  switch (commandName) {
    case 'QueryCommand':
    case 'ScanCommand':
      return output.ScannedCount ?? 0;
    case 'GetItemCommand':
      return output.Item ? 1 : 0;
    case 'BatchGetItemCommand':
      return Object.values(output.Responses ?? {}).reduce((sum: number, items) => sum + (items as unknown[]).length, 0);
    case 'TransactGetItemsCommand':
      return Array.isArray(output.Responses) ? output.Responses.filter((r) => r.Item).length : 0;
    default:
      return 0;
  }
}

/** Counts one command; `output` is undefined when it failed. */
export function recordCommand(commandName: string, output: CommandOutput | undefined): void {
  const metrics = store.getStore();
  if (!metrics) return;
  const units = [output?.ConsumedCapacity ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  metrics.requests += 1;
  metrics.commands.push(commandName.replace(/Command$/, ''));
  if (READ_COMMANDS.has(commandName)) {
    metrics.readUnits += units;
    metrics.itemsRead += itemsReadBy(commandName, output);
  } else metrics.writeUnits += units;
}

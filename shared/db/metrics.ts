import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * DynamoDB requests and consumed capacity, counted per API request. Every command asks DynamoDB
 * for its consumed capacity (free of charge); the handler wrapper logs the totals, and the
 * benchmark reads them. Counting happens in one SDK middleware, so no repository can forget it.
 */
export interface DbMetrics {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Commands by name, in order, e.g. ["GetItem", "UpdateItem"]. */
  commands: string[];
}

const store = new AsyncLocalStorage<DbMetrics>();

export const emptyMetrics = (): DbMetrics => ({ requests: 0, readUnits: 0, writeUnits: 0, commands: [] });

export async function withDbMetrics<T>(fn: () => Promise<T>): Promise<{ result: T; metrics: DbMetrics }> {
  const metrics = emptyMetrics();
  const result = await store.run(metrics, fn);
  return { result, metrics };
}

const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

interface Capacity {
  CapacityUnits?: number;
}

export function recordCommand(commandName: string, consumed: Capacity | Capacity[] | undefined): void {
  const metrics = store.getStore();
  if (!metrics) return;
  const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  metrics.requests += 1;
  metrics.commands.push(commandName.replace(/Command$/, ''));
  if (READ_COMMANDS.has(commandName)) metrics.readUnits += units;
  else metrics.writeUnits += units;
}

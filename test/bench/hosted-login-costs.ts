import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemSize } from '#test/bench/item-size';
import { round } from '#test/bench/stats';

/**
 * Which command of a request costs what: a middleware on the service's DynamoDB client (the bench
 * runs the service in-process) notes each command's key, consistency and consumed capacity while
 * a probe is open; and what a user's partition holds (the items one Query of it pays for).
 */
export interface CommandCost {
  command: string;
  /** The item or partition it read or wrote, ids elided: `USER#…/PROFILE`, `Query USER#…`. */
  target: string;
  consistent: boolean;
  units: number;
  /** Items a read returned (a Query's ScannedCount). */
  items?: number;
  /** The command's time (marshalling, HTTP to DynamoDB Local, unmarshalling). */
  ms: number;
}

export interface Probed<T> {
  result: T;
  costs: CommandCost[];
  /** Wall time during which at least one command was in flight (a login's writes overlap). */
  dbWallMs: number;
}

export interface PartitionShape {
  /** Items by kind (PROFILE, STATS, SSO#…), with their count and bytes (DynamoDB's item-size rules). */
  kinds: { kind: string; count: number; bytes: number }[];
  bytes: number;
  /** What an eventually consistent Query of the whole partition costs: 0.5 RCU per started 4 KB. */
  eventualQueryRcu: number;
}

interface ProbedInput {
  Key?: { pk?: unknown; sk?: unknown };
  ExpressionAttributeValues?: Record<string, unknown>;
  Item?: { pk?: unknown; sk?: unknown };
  ConsistentRead?: boolean;
  RequestItems?: unknown;
  TransactItems?: unknown;
}

const elide = (v: unknown) => (typeof v === 'string' ? v.replace(/#.*$/, '#…') : '?');

function targetOf(input: ProbedInput): string {
  const key = input.Key ?? input.Item;
  if (key) return `${elide(key.pk)}/${elide(key.sk)}`;
  const pk = input.ExpressionAttributeValues?.[':pk'];
  if (pk !== undefined) return `partition ${elide(pk)}`;
  return input.RequestItems ? 'several items' : input.TransactItems ? 'transaction' : '?';
}

/** Installs the middleware once; `probe(task)` returns the commands `task` issued, with their costs. */
export type CostProbe = <T>(task: () => Promise<T>) => Promise<Probed<T>>;

const PROBE_NAME = 'benchHostedLoginCosts';

/** Takes the middleware off again, so that later sections run without it. */
export async function removeCostProbe(): Promise<void> {
  const { db } = await import('#shared/db/client');
  db.middlewareStack.remove(PROBE_NAME);
}

export async function commandCostProbe(): Promise<CostProbe> {
  const { db } = await import('#shared/db/client');
  let sink: CommandCost[] | undefined;
  let inFlight = 0;
  let busySince = 0;
  let dbWallMs = 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      const counted = sink !== undefined;
      if (counted && inFlight++ === 0) busySince = started;
      const result = await next(args).finally(() => {
        if (counted && --inFlight === 0) dbWallMs += performance.now() - busySince;
      });
      if (sink) {
        const input = args.input as ProbedInput;
        const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[]; ScannedCount?: number; Item?: unknown };
        const units = [output.ConsumedCapacity ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        sink.push({
          command: (context.commandName ?? '?').replace(/Command$/, ''),
          target: targetOf(input),
          consistent: input.ConsistentRead === true,
          units: round(units, 3),
          ...(output.ScannedCount !== undefined ? { items: output.ScannedCount } : output.Item !== undefined ? { items: 1 } : {}),
          ms: round(performance.now() - started, 2),
        });
      }
      return result;
    },
    { step: 'initialize', name: PROBE_NAME },
  );
  return async (task) => {
    const costs: CommandCost[] = [];
    sink = costs;
    inFlight = 0;
    dbWallMs = 0;
    try {
      const result = await task();
      return { result, costs, dbWallMs: round(dbWallMs, 2) };
    } finally {
      sink = undefined;
    }
  };
}

/** A user's partition as stored, read strongly from the table itself (not through the service). */
export async function partitionShape(raw: DynamoDBClient, tableName: string, userId: string): Promise<PartitionShape> {
  const out = await raw.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `USER#${userId}` } }, ConsistentRead: true }),
  );
  const kinds = new Map<string, { count: number; bytes: number }>();
  let bytes = 0;
  for (const item of out.Items ?? []) {
    const sk = item.sk?.S ?? '?';
    const kind = sk.includes('#') ? `${sk.slice(0, sk.indexOf('#'))}#…` : sk;
    const size = itemSize(item);
    bytes += size;
    const k = kinds.get(kind) ?? { count: 0, bytes: 0 };
    kinds.set(kind, { count: k.count + 1, bytes: k.bytes + size });
  }
  return {
    kinds: [...kinds].map(([kind, k]) => ({ kind, ...k })),
    bytes,
    eventualQueryRcu: Math.max(1, Math.ceil(bytes / 4096)) * 0.5,
  };
}

export const describeCosts = (costs: CommandCost[], withMs = false) =>
  costs
    .map((c) => {
      const items = c.items !== undefined ? `, ${c.items} item${c.items === 1 ? '' : 's'}` : '';
      return `${c.command} ${c.target}${c.consistent ? ' (strong)' : ''}${items} = ${c.units}${withMs ? ` (${c.ms} ms)` : ''}`;
    })
    .join('; ');

export const describePartition = (p: PartitionShape) =>
  `${p.kinds.map((k) => `${k.count} ${k.kind} (${k.bytes} B)`).join(' + ')} = ${p.bytes} B: an eventually consistent Query of it costs ${p.eventualQueryRcu} RCU`;

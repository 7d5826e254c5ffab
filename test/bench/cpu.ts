import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU accounting for a measured run: this process, and DynamoDB Local's JVM when it can be found,
 * so the time of a request can be split between the service and the store.
 */

/** CPU milliseconds used by this process and (when found) by DynamoDB Local's JVM. */
export interface CpuReading {
  nodeMs: number;
  dynamoMs: number | undefined;
}

export interface CpuMeter {
  /** Starts a measurement; the returned function ends it and returns the CPU used meanwhile. */
  start(): () => CpuReading;
  dynamoPid: number | undefined;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(out.stdout?.trim());
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

/** DynamoDB Local's process: a java command line naming DynamoDBLocal and our port (Linux /proc only). */
export function findDynamoPid(endpoint: string): number | undefined {
  const port = new URL(endpoint).port;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.includes('DynamoDBLocal')) && args.includes(port) && args.some((a) => /java$/.test(a))) return Number(entry);
    } catch {
      // The process ended, or is not ours to read.
    }
  }
  return undefined;
}

function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks / ticksPerSecond()) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function cpuMeter(dynamoPid: number | undefined): CpuMeter {
  return {
    dynamoPid,
    start() {
      const node = process.cpuUsage();
      const dynamo = dynamoPid === undefined ? undefined : processCpuMs(dynamoPid);
      return () => {
        const used = process.cpuUsage(node);
        const dynamoNow = dynamoPid === undefined ? undefined : processCpuMs(dynamoPid);
        return {
          nodeMs: (used.user + used.system) / 1000,
          dynamoMs: dynamo === undefined || dynamoNow === undefined ? undefined : dynamoNow - dynamo,
        };
      };
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs the service the way a newcomer does (`npm start`) in its own process group, and waits for
 * its "listening" line. `stop()` sends SIGINT to the group and resolves with the exit code.
 */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  child: ChildProcess;
  output: () => string;
  /** Signals the whole process group, as Ctrl-C in a terminal does. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>;
}

export async function startService(env: Record<string, string>, command = ['npm', 'start']): Promise<RunningService> {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = () => (/listening on/.test(output) ? resolve(true) : setTimeout(check, 50));
      check();
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 90_000)),
  ]);
  const stop = async (signal: NodeJS.Signals = 'SIGINT') => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group has already gone.
    }
    return exited;
  };
  if (!ready) {
    await stop('SIGKILL');
    throw new Error(`service did not start:\n${output}`);
  }
  return { child, output: () => output, stop };
}

/** Runs a command to completion and returns its exit code and output. */
export function runToEnd(command: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: new URL('../..', import.meta.url).pathname, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

import type { ExtensionInput, ExtensionOutput } from '#shared/sandbox/contract';
import type { runExtensions } from '#shared/sandbox/guest/run-extensions';

/**
 * What crosses between the worker pool (main thread) and a sandbox worker. Everything is
 * structured-cloned, so it must be plain data: the input and output are JSON already.
 */

/** What the sandbox takes as its options (network policy), handed to every worker once at start. */
export type SandboxOptions = Parameters<typeof runExtensions>[1];

export interface WorkerData {
  sandboxOptions: SandboxOptions;
}

/** Pool -> worker: one login (or signup) at a time; `input.limits.totalMs` is the budget left to it. */
export interface RunMessage {
  type: 'run';
  id: number;
  input: ExtensionInput;
}

/** Worker -> pool: `ready` once warm (after its first, throwaway login), then one `done` per run. */
export type WorkerMessage = { type: 'ready' } | { type: 'done'; id: number; output: ExtensionOutput };

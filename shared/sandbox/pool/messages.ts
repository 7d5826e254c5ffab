import type { LoginExtensionInput, LoginExtensionOutput } from '#shared/sandbox/contract';
import type { runLogin } from '#shared/sandbox/guest/run-login';

/**
 * What crosses between the worker pool (main thread) and a sandbox worker. Everything is
 * structured-cloned, so it must be plain data: the input and output are JSON already.
 */

/** What the sandbox takes as its options (network policy), handed to every worker once at start. */
export type SandboxOptions = Parameters<typeof runLogin>[1];

export interface WorkerData {
  sandboxOptions: SandboxOptions;
}

/** Pool -> worker: one login at a time; `input.limits.totalMs` is the budget left to it. */
export interface RunMessage {
  type: 'run';
  id: number;
  input: LoginExtensionInput;
}

/** Worker -> pool: `ready` once warm (after its first, throwaway login), then one `done` per run. */
export type WorkerMessage = { type: 'ready' } | { type: 'done'; id: number; output: LoginExtensionOutput };

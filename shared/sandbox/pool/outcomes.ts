import type { ExtensionFailure, ExtensionInput, ExtensionOutput, LoginExtensionInput } from '#shared/sandbox/contract';
import { failureMessage, failureOutput, type Step } from '#shared/sandbox/guest/outcome';

/**
 * The outcomes the pool adds to the sandbox's own, in the sandbox's words where it stands in for
 * the sandbox (a login it had to stop), and naming the pool where the cause is the pool.
 */
type Limits = LoginExtensionInput['limits'];

/** A login that waited in the queue gets only what is left of its budget. */
export function withBudgetLeft<I extends ExtensionInput>(input: I, leftMs: number): I {
  return { ...input, limits: { ...input.limits, totalMs: Math.max(1, Math.floor(leftMs)) } };
}

/**
 * The sandbox words a timeout with the budget it was given; after a wait in the queue that is
 * less than the login's, which is the figure the tenant configured and should read.
 */
export function withLoginBudget<O extends ExtensionOutput>(output: O, given: Limits, login: Limits): O {
  if (output.outcome !== 'error' || given.totalMs === login.totalMs) return output;
  const steps: (Step | null)[] = [null, ...(['rule', 'action', 'script'] as const).map((kind) => ({ kind, name: output.source }))];
  const step = steps.find((s) => failureMessage({ kind: 'timeout', step: s, message: '' }, given) === output.error);
  if (step === undefined) return output;
  return { ...output, error: failureMessage({ kind: 'timeout', step, message: '' }, login) };
}

/**
 * A worker that did not answer by the deadline was terminated, and what it was running is not
 * known (the sandbox reports no progress across the thread); with one rule or action it is that one.
 */
export function stoppedAtDeadline(input: ExtensionInput): ExtensionFailure {
  return failureOutput({ kind: 'timeout', step: onlyStep(input), message: '' }, input.limits, []);
}

/** The worker thread itself died (not the guest: the sandbox reports those). */
export function workerCrashed(input: ExtensionInput): ExtensionFailure {
  return failureOutput({ kind: 'crashed', step: onlyStep(input), message: '' }, input.limits, []);
}

/** The pool could not run the login at all: busy, not started, shut down. */
export function poolFailure(error: string): ExtensionFailure {
  return { outcome: 'error', error, source: 'rules-runner', logs: [] };
}

function onlyStep(input: ExtensionInput): Step | null {
  if (input.trigger === 'custom-db') return { kind: 'script', name: input.script };
  const rules = 'rules' in input ? input.rules : [];
  const steps = [...rules.map((r): Step => ({ kind: 'rule', name: r.name })), ...input.actions.map((a): Step => ({ kind: 'action', name: a.name }))];
  return steps.length === 1 ? steps[0]! : null;
}

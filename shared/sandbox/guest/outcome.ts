import type { ExtensionFailure, LogLine, LoginExtensionInput, LoginExtensionOutput, MetadataPatch } from '#shared/sandbox/contract';
import { isPlainObject, type JsonValue } from '#shared/platform/json';

/**
 * Turns what happened in the sandbox into the runner's output: the guest's own report (allow,
 * deny, or a failure it saw) or a failure the host saw (time budget, memory, no callback). Every
 * error message names the rule or action, because that is what a tenant has to go and fix.
 */
export interface Step {
  /** `script`: a custom database connection's script (login, get_user, ...). */
  kind: 'rule' | 'action' | 'script';
  name: string;
}

/** Failures the guest reports; the host adds the ones only it can see. */
const GUEST_KINDS = ['threw', 'callback', 'twice', 'not-a-function', 'claims', 'result'] as const;
export type FailureKind = (typeof GUEST_KINDS)[number] | 'stalled' | 'timeout' | 'memory' | 'crashed' | 'too-large';

export interface Failure {
  kind: FailureKind;
  step: Step | null;
  message: string;
}

type Limits = LoginExtensionInput['limits'];

/**
 * QuickJS's own errors when a limit is hit. Uncaught in a synchronous rule they reach the host,
 * which knows the cause; in an async function they become rejections the guest reports as a throw.
 */
const OUT_OF_MEMORY = 'InternalError: out of memory';
const INTERRUPTED = 'InternalError: interrupted';

function label(step: Step | null): string {
  if (!step) return 'The rules sandbox';
  return `${step.kind === 'rule' ? 'Rule' : step.kind === 'action' ? 'Action' : 'Script'} '${step.name}'`;
}

export function failureMessage(failure: Failure, limits: Limits): string {
  const who = label(failure.step);
  switch (failure.kind) {
    case 'threw':
    case 'callback':
      return `${who} failed: ${failure.message}`;
    case 'twice':
      return `${who} called back more than once`;
    case 'not-a-function':
      if (failure.step?.kind === 'script') return `${who} does not define a function`;
      return `${who} is not a function; a rule is written as function (user, context, callback) { ... }`;
    case 'claims':
      return `${who} put a token claim that cannot be turned into JSON: ${failure.message}`;
    case 'result':
      if (failure.step?.kind === 'script') return `${who} called back with a value that cannot be turned into JSON: ${failure.message}`;
      return `${who} produced a result that cannot be turned into JSON: ${failure.message}`;
    case 'stalled':
      if (failure.step?.kind === 'action') return `${who} did not finish: its promise never settled`;
      return failure.step ? `${who} did not call back` : `${who} stopped before reaching an outcome`;
    case 'timeout':
      if (failure.step?.kind === 'script') return `${who} did not finish within its time budget of ${limits.totalMs} ms`;
      return `${who} did not finish within the login's time budget of ${limits.totalMs} ms`;
    case 'memory':
      return `${who} exceeded the memory limit of ${Math.round(limits.memoryBytes / 1024 / 1024)} MiB`;
    case 'too-large':
      return `${who} produced a result larger than ${failure.message}`;
    case 'crashed':
      return `${who} failed: the sandbox stopped unexpectedly`;
  }
}

function causeOf(failure: Failure): FailureKind {
  if (failure.kind !== 'threw') return failure.kind;
  if (failure.message === OUT_OF_MEMORY) return 'memory';
  if (failure.message === INTERRUPTED) return 'timeout';
  return 'threw';
}

export function failureOutput(failure: Failure, limits: Limits, logs: LogLine[]): ExtensionFailure {
  const error = failureMessage({ ...failure, kind: causeOf(failure) }, limits);
  return { outcome: 'error', error, source: failure.step?.name ?? 'sandbox', logs };
}


function asStep(v: unknown): Step | null {
  if (!isPlainObject(v) || (v.kind !== 'rule' && v.kind !== 'action' && v.kind !== 'script') || typeof v.name !== 'string') return null;
  return { kind: v.kind, name: v.name };
}

/**
 * The guest's report, checked rather than trusted: rule code shares the guest's realm, so the
 * host accepts only the shape it expects. Values are already JSON (they crossed as a string).
 */
export function guestOutput(json: string, limits: Limits, logs: LogLine[]): LoginExtensionOutput {
  const report: unknown = JSON.parse(json);
  if (!isPlainObject(report)) return failureOutput({ kind: 'crashed', step: null, message: '' }, limits, logs);
  if (report.outcome === 'error') {
    const kind = GUEST_KINDS.find((k) => k === report.kind) ?? 'crashed';
    const message = typeof report.message === 'string' ? report.message : '';
    return failureOutput({ kind, step: asStep(report.step), message }, limits, logs);
  }
  const changes = {
    ...(isPlainObject(report.userMetadata) ? { userMetadata: report.userMetadata as MetadataPatch } : {}),
    ...(isPlainObject(report.appMetadata) ? { appMetadata: report.appMetadata as MetadataPatch } : {}),
    idTokenClaims: (isPlainObject(report.idTokenClaims) ? report.idTokenClaims : {}) as Record<string, JsonValue>,
    accessTokenClaims: (isPlainObject(report.accessTokenClaims) ? report.accessTokenClaims : {}) as Record<string, JsonValue>,
    logs,
  };
  if (report.outcome === 'deny') return { outcome: 'deny', reason: String(report.reason ?? ''), ...changes };
  if (report.outcome === 'allow') return { outcome: 'allow', ...changes };
  return failureOutput({ kind: 'crashed', step: null, message: '' }, limits, logs);
}

import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten-core';
import { hostFetch, type GuestRequest } from '#shared/sandbox/guest/host-fetch';
import type { LogCollector } from '#shared/sandbox/guest/logs';
import type { NetworkPolicy } from '#shared/sandbox/guest/network-policy';
import type { Failure, FailureKind, Step } from '#shared/sandbox/guest/outcome';

/**
 * The host side of a login's guest code: the bridge functions the guest calls (log, enter, finish,
 * fetch, sleep, cancel), the host work it is waiting for, and the deadline. Host work is bounded per
 * login so a rule cannot turn the runner into a traffic generator or pile up timers.
 */
export const MAX_FETCHES = 50;
export const MAX_TIMERS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Timer {
  handle: NodeJS.Timeout;
  fire: (fired: boolean) => void;
}

/** What one login's contexts count together: the fetch limit is per login, not per context. */
export interface LoginCounters {
  fetches: number;
}

/**
 * The host side of one QuickJS context of a login (the rules', or one action's). Contexts run one
 * after another and share the login's deadline, logs and counters.
 */
export class LoginSession {
  step: Step | null = null;
  failure: Failure | undefined;
  report: string | undefined;
  private interrupted = false;
  private closed = false;
  private opIds = 0;
  private readonly ops = new Map<number, QuickJSDeferredPromise>();
  private readonly timers = new Map<number, Timer>();
  private readonly abort = new AbortController();
  private woken = false;
  private wakeWaiter: (() => void) | undefined;

  constructor(
    readonly deadline: number,
    private readonly policy: NetworkPolicy,
    private readonly logs: LogCollector,
    private readonly counters: LoginCounters = { fetches: 0 },
  ) {}

  get done(): boolean {
    return this.failure !== undefined || this.report !== undefined;
  }

  get hasPendingWork(): boolean {
    return this.ops.size > 0;
  }

  expired(): boolean {
    return performance.now() >= this.deadline;
  }

  /** QuickJS polls this while guest code runs, to stop `while (true) {}` (hard-deadline.ts is the backstop). */
  readonly interruptHandler = (): boolean => {
    if (!this.expired()) return false;
    this.interrupted = true;
    return true;
  };

  fail(kind: FailureKind, message = ''): void {
    if (!this.done) this.failure = { kind, step: this.step, message };
  }

  /** An exception that escaped the guest program: the interrupt (budget), memory, or a bug. */
  escaped(context: QuickJSContext, error: QuickJSHandle): void {
    if (this.interrupted) return this.fail('timeout');
    const text = describe(context, error);
    this.fail(/out of memory/.test(text) ? 'memory' : 'threw', text);
  }

  /** The guest's bridge, as one object passed to the guest program (never a global). */
  bridge(context: QuickJSContext): QuickJSHandle {
    const str = (h: QuickJSHandle | undefined) => (h === undefined ? '' : context.getString(h));
    const num = (h: QuickJSHandle | undefined) => (h === undefined ? 0 : context.getNumber(h));
    const fns: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle | undefined> = {
      log: (source, level, message) => void this.logs.add(str(source), str(level), str(message)),
      enter: (kind, name) => void (this.step = { kind: str(kind) === 'action' ? 'action' : 'rule', name: str(name) }),
      finish: (json) => void (this.report ??= str(json)),
      fetch: (request) => this.fetch(context, str(request)),
      sleep: (id, ms) => this.sleep(context, num(id), num(ms)),
      cancel: (id) => void this.timers.get(num(id))?.fire(false),
    };
    const bridge = context.newObject();
    for (const [name, fn] of Object.entries(fns)) context.newFunction(name, fn).consume((f) => context.setProp(bridge, name, f));
    return bridge;
  }

  private fetch(context: QuickJSContext, requestJson: string): QuickJSHandle {
    if (this.counters.fetches >= MAX_FETCHES) throw new Error(`a login may make at most ${MAX_FETCHES} fetch calls`);
    this.counters.fetches += 1;
    const request = JSON.parse(requestJson) as GuestRequest;
    return this.track(
      context,
      hostFetch(request, this.policy, this.abort.signal),
      (response) => context.newString(JSON.stringify(response)),
      (error) => context.newError({ name: 'TypeError', message: `fetch failed: ${reason(error)}` }),
    );
  }

  private sleep(context: QuickJSContext, id: number, ms: number): QuickJSHandle {
    if (this.timers.size >= MAX_TIMERS) throw new Error(`a login may have at most ${MAX_TIMERS} pending timers`);
    const fired = new Promise<boolean>((resolve) => {
      const delay = Math.min(Math.max(0, Number.isFinite(ms) ? ms : 0), MAX_TIMER_MS);
      const handle = setTimeout(() => resolve(true), delay);
      this.timers.set(id, { handle, fire: (value) => (clearTimeout(handle), resolve(value)) });
    });
    const done = fired.finally(() => this.timers.delete(id));
    return this.track(context, done, (value) => context.newNumber(value ? 1 : 0), () => context.newError('timer failed'));
  }

  /** A guest promise settled by host work; its settling wakes the event loop (see run-context.ts). */
  private track<T>(
    context: QuickJSContext,
    work: Promise<T>,
    ok: (value: T) => QuickJSHandle,
    err: (error: unknown) => QuickJSHandle,
  ): QuickJSHandle {
    const deferred = context.newPromise();
    const id = (this.opIds += 1);
    this.ops.set(id, deferred);
    const settle = (make: () => QuickJSHandle, how: 'resolve' | 'reject') => {
      if (this.closed || !this.ops.delete(id)) return;
      try {
        make().consume((value) => deferred[how](value));
      } catch (error) {
        // Allocating the result inside a full heap is the usual cause.
        this.fail(/memory/i.test(String(error)) ? 'memory' : 'crashed');
      } finally {
        deferred.dispose();
        this.wake();
      }
    };
    work.then(
      (value) => settle(() => ok(value), 'resolve'),
      (error: unknown) => settle(() => err(error), 'reject'),
    );
    return deferred.handle;
  }

  private wake(): void {
    this.woken = true;
    this.wakeWaiter?.();
  }

  /** Resolves when host work settles or the deadline passes, whichever is first. */
  waitForHost(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.woken || this.closed) return resolve();
      const timer = setTimeout(() => this.wakeWaiter?.(), Math.max(0, this.deadline - performance.now()) + 1);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        this.wakeWaiter = undefined;
        resolve();
      };
    }).finally(() => {
      this.woken = false;
    });
  }

  /**
   * Stops all host work and, unless the wasm instance is being abandoned, frees every handle the
   * host holds (this must happen before the context is freed).
   */
  close(freeHandles: boolean): void {
    this.closed = true;
    this.abort.abort();
    for (const timer of this.timers.values()) clearTimeout(timer.handle);
    this.timers.clear();
    this.wakeWaiter?.();
    const deferreds = [...this.ops.values()];
    this.ops.clear();
    if (freeHandles) for (const deferred of deferreds) deferred.dispose();
  }
}

function describe(context: QuickJSContext, error: QuickJSHandle): string {
  try {
    const value: unknown = context.dump(error);
    if (typeof value === 'object' && value !== null && 'message' in value) {
      const { name, message } = value as { name?: unknown; message?: unknown };
      return `${typeof name === 'string' ? name : 'Error'}: ${String(message)}`;
    }
    return String(value);
  } catch {
    return 'an error that cannot be described';
  }
}

/** Why a fetch failed, in words a rule author can act on (no host stack traces). */
function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'the login ended before the response arrived';
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 300);
}

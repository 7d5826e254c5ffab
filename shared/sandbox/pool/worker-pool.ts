import { Worker } from 'node:worker_threads';
import type {
  CustomDbInput,
  CustomDbOutput,
  ExtensionInput,
  ExtensionOutput,
  ExtensionsRunner,
  LoginExtensionInput,
  LoginExtensionOutput,
  RegistrationExtensionInput,
  RegistrationExtensionOutput,
} from '#shared/sandbox/contract';
import type { RunMessage, SandboxOptions, WorkerData, WorkerMessage } from '#shared/sandbox/pool/messages';
import { poolFailure, stoppedAtDeadline, withBudgetLeft, withLoginBudget, workerCrashed } from '#shared/sandbox/pool/outcomes';
import { log } from '#shared/platform/log';

/**
 * Runs logins' rules and actions on a few worker threads, so that tenant code never runs on the
 * server's main thread (`npm start`, any single-process host; in AWS each login has its own runner
 * Lambda). Each worker runs one login at a time; logins beyond the workers wait in a bounded
 * queue, and the wait counts against their budget. A worker that has not answered shortly after
 * its login's deadline is terminated and replaced, so no script can hold a worker past it.
 */
export interface WorkerPoolOptions {
  /** Worker threads, each running one login at a time. */
  size: number;
  /** Logins that may wait for a worker; beyond this a login fails at once. */
  maxQueued: number;
  /** What the sandbox takes as its options, cloned into every worker. */
  sandboxOptions: SandboxOptions;
  /** The worker's script; the pool's tests put stand-ins here. */
  entry?: URL;
  /** How long past a login's deadline its worker may take to answer before it is terminated. */
  graceMs?: number;
  /** How long a worker may take to start and warm up. */
  startLimitMs?: number;
}

const ENTRY = new URL('./sandbox-worker.mjs', import.meta.url);
/** The sandbox stops a script itself at the deadline (then hard, 100 ms later); this covers its reply on a busy machine. */
const GRACE_MS = 500;
/** Starting tsx, the sandbox's modules and a warm QuickJS took 1.5–2.5 s on a busy 2-core machine. */
const START_LIMIT_MS = 60_000;
/** After a worker failed to start, logins fail at once for this long instead of each starting another. */
const RETRY_AFTER_MS = 5_000;

interface Job {
  input: ExtensionInput;
  /** performance.now() at which the login's budget ends; set once the pool has first started (its cold start is ours). */
  deadline?: number;
  timer?: NodeJS.Timeout;
  settle: (output: ExtensionOutput) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running?: { id: number; job: Job; given: ExtensionInput['limits'] };
  /** The start limit while starting, the login's deadline plus grace while running. */
  timer?: NodeJS.Timeout;
}

export class WorkerPool implements ExtensionsRunner {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private started = false;
  private closed = false;
  private failedAt: number | undefined;
  private ids = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  run(input: LoginExtensionInput): Promise<LoginExtensionOutput> {
    return this.submit(input) as Promise<LoginExtensionOutput>;
  }

  /** A signup's pre-user-registration actions: the same workers, queue and budgets as logins. */
  register(input: RegistrationExtensionInput): Promise<RegistrationExtensionOutput> {
    return this.submit(input) as Promise<RegistrationExtensionOutput>;
  }

  /** One custom database script call: the same workers, queue and budgets as logins. */
  customDb(input: CustomDbInput): Promise<CustomDbOutput> {
    return this.submit(input) as Promise<CustomDbOutput>;
  }

  /** The worker answers with the output of the input's trigger (run-extensions.ts). */
  private submit(input: ExtensionInput): Promise<ExtensionOutput> {
    if (this.closed) return Promise.resolve(poolFailure('The rules runner has shut down'));
    this.grow();
    if (this.slots.size === 0) return Promise.resolve(poolFailure(NOT_STARTED));
    const idle = [...this.slots].some((s) => s.ready && !s.running);
    if (!idle && this.queue.length >= this.options.maxQueued) {
      return Promise.resolve(poolFailure(`The rules runner is busy: ${this.queue.length} logins are already waiting for a worker`));
    }
    return new Promise((settle) => {
      const job: Job = { input, settle };
      this.queue.push(job);
      if (this.started) this.startClock(job);
      this.dispatch();
      this.hold();
    });
  }

  /** Fails what is waiting or running and terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    this.failQueue('The rules runner has shut down');
    const slots = [...this.slots];
    for (const slot of slots) slot.running?.job.settle(poolFailure('The rules runner has shut down'));
    await Promise.all(slots.map((slot) => this.retire(slot)));
  }

  /** Workers: starting, idle or running (for tests and the benchmark). */
  get workers(): { size: number; ready: number; running: number } {
    const slots = [...this.slots];
    return { size: slots.length, ready: slots.filter((s) => s.ready).length, running: slots.filter((s) => s.running).length };
  }

  private startClock(job: Job): void {
    const budget = job.input.limits.totalMs;
    job.deadline = performance.now() + budget;
    job.timer = setTimeout(() => {
      const at = this.queue.indexOf(job);
      if (at < 0) return;
      this.queue.splice(at, 1);
      job.settle(poolFailure(noWorkerFree(budget, this.options.size)));
    }, budget);
    job.timer.unref();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.running) continue;
      const job = this.queue.shift();
      if (!job) return;
      clearTimeout(job.timer);
      const left = job.deadline! - performance.now();
      if (left <= 0) job.settle(poolFailure(noWorkerFree(job.input.limits.totalMs, this.options.size)));
      else this.assign(slot, job, left);
    }
  }

  private assign(slot: Slot, job: Job, leftMs: number): void {
    const input = withBudgetLeft(job.input, leftMs);
    const id = (this.ids += 1);
    slot.running = { id, job, given: input.limits };
    slot.timer = setTimeout(() => this.stopOverrun(slot), input.limits.totalMs + (this.options.graceMs ?? GRACE_MS));
    slot.timer.unref();
    slot.worker.postMessage({ type: 'run', id, input } satisfies RunMessage);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (!this.slots.has(slot)) return;
    if (message.type === 'ready') {
      clearTimeout(slot.timer);
      slot.ready = true;
      this.failedAt = undefined;
      if (!this.started) {
        this.started = true;
        for (const job of this.queue) this.startClock(job);
      }
      this.grow();
    } else {
      const running = slot.running;
      if (!running || running.id !== message.id) return;
      clearTimeout(slot.timer);
      slot.running = undefined;
      running.job.settle(withLoginBudget(message.output, running.given, running.job.input.limits));
    }
    this.dispatch();
    this.hold();
  }

  /**
   * Only a worker that someone waits for keeps the process alive: one running a login, or one
   * starting while logins wait. An idle pool never holds up a test run's or `npm start`'s exit.
   */
  private hold(): void {
    for (const slot of this.slots) {
      if (slot.running || (!slot.ready && this.queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  /** The worker did not answer by the deadline (plus grace): whatever it is doing, it ends now. */
  private stopOverrun(slot: Slot): void {
    const running = slot.running;
    if (!running) return;
    log.warn('rules worker did not answer by the login deadline; terminating and replacing it', { budgetMs: running.job.input.limits.totalMs });
    void this.retire(slot);
    running.job.settle(stoppedAtDeadline(running.job.input));
    this.grow();
    this.hold();
  }

  /** A worker's thread ended without being asked to: it failed to start, or crashed. */
  private onExit(slot: Slot, exitCode: number, error: Error | undefined): void {
    if (!this.slots.has(slot)) return;
    void this.retire(slot);
    const detail = { exitCode, error: error ? `${error.name}: ${error.message.slice(0, 300)}` : undefined };
    if (slot.ready) {
      log.error('rules worker stopped unexpectedly; replacing it', detail);
    } else {
      log.error('rules worker failed to start', detail);
      this.failedAt = performance.now();
    }
    if (slot.running) slot.running.job.settle(workerCrashed(slot.running.job.input));
    this.grow();
    if (this.slots.size === 0) this.failQueue(NOT_STARTED);
    this.hold();
  }

  /** Starts a worker while the pool is short of its size: one at a time, so starting never takes both cores. */
  private grow(): void {
    if (this.closed || this.slots.size >= this.options.size) return;
    if ([...this.slots].some((s) => !s.ready)) return;
    if (this.failedAt !== undefined && performance.now() - this.failedAt < RETRY_AFTER_MS) return;
    const data: WorkerData = { sandboxOptions: this.options.sandboxOptions };
    const slot: Slot = { worker: new Worker(this.options.entry ?? ENTRY, { workerData: data }), ready: false };
    let error: Error | undefined;
    slot.worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    slot.worker.on('error', (e) => (error = e));
    slot.worker.on('exit', (code) => this.onExit(slot, code, error));
    slot.timer = setTimeout(() => {
      error = new Error(`not ready after ${this.options.startLimitMs ?? START_LIMIT_MS} ms`);
      void slot.worker.terminate();
    }, this.options.startLimitMs ?? START_LIMIT_MS);
    slot.timer.unref();
    this.slots.add(slot);
  }

  private retire(slot: Slot): Promise<number> {
    this.slots.delete(slot);
    clearTimeout(slot.timer);
    return slot.worker.terminate();
  }

  private failQueue(error: string): void {
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.timer);
      job.settle(poolFailure(error));
    }
  }
}

const NOT_STARTED = 'No rules worker could be started; the server log says why';

function noWorkerFree(budgetMs: number, size: number): string {
  return `No rules worker became free within the login's time budget of ${budgetMs} ms (all ${size} were busy)`;
}

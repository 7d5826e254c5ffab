import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunMessage, WorkerData, WorkerMessage } from '#shared/sandbox/pool/messages';
import { runExtensions } from '#shared/sandbox/guest/run-extensions';
import { warmUp } from '#shared/sandbox/guest/warm-up';
import { log } from '#shared/platform/log';

/**
 * A sandbox worker thread: runs one login at a time with the sandbox and answers with its output.
 * The pool sends the next login only after the answer, and ends a login that overruns its budget
 * by terminating this thread, so nothing here needs to watch the clock beyond what the sandbox does.
 */
/**
 * Tenant code yields the CPU to the server's own threads. On Linux the nice value is per thread,
 * and `setPriority` with no pid sets the calling thread's; elsewhere it would renice the whole
 * process, so it is left alone there.
 */
const NICE = 10;

const port = parentPort;
if (!port) throw new Error('sandbox-worker.ts runs only as a worker thread (see worker-pool.ts)');
const { sandboxOptions } = workerData as WorkerData;

lowerPriority();
// V8 compiles the interpreter's wasm lazily: the first login in a thread is 10x slower than the next.
await warmUp();
port.on('message', (message: RunMessage) => {
  void runExtensions(message.input, sandboxOptions).then((output) => send({ type: 'done', id: message.id, output }));
});
send({ type: 'ready' });

function send(message: WorkerMessage): void {
  port!.postMessage(message);
}

function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(NICE);
  } catch (error) {
    log.warn('could not lower the rules worker priority', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

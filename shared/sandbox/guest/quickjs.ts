import variant from '@jitl/quickjs-singlefile-mjs-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type CustomizeVariantOptions, type QuickJSWASMModule } from 'quickjs-emscripten-core';

/**
 * The QuickJS WebAssembly module, compiled once per cold start (about 25 ms) and only when a
 * login first runs rules; a login's rules, and each of its actions, then get a runtime of their
 * own in it (run-context.ts). The single-file variant inlines the wasm, so the Lambda bundle is
 * one file with nothing to locate.
 */
/**
 * The whole instance's heap, for every runtime in it. QuickJS's per-runtime memory limit
 * (run-context.ts) refuses any one allocation larger than the limit, but in this WebAssembly
 * build it cannot see the size of what it allocated (Emscripten has no malloc_usable_size), so
 * many small allocations (typed arrays, strings) pass it: measured, 100 arrays of 1 MiB under a
 * 32 MiB limit. This cap on the wasm memory is what bounds them; past it malloc fails and the
 * guest gets QuickJS's "out of memory". It leaves room for EXTENSIONS_MEMORY_MB's maximum
 * (512) and the interpreter itself, and stays well inside the runner Lambda's 1024 MB.
 */
export const WASM_MAX_BYTES = 640 * 1024 * 1024;
/** Emscripten's default start (16 MiB); it grows the memory as needed, up to the maximum. */
const WASM_INITIAL_BYTES = 16 * 1024 * 1024;
const PAGE = 64 * 1024;

/** Node's global (the project's TypeScript lib declares WebAssembly's types only). */
type WasmMemory = Exclude<NonNullable<CustomizeVariantOptions['wasmMemory']>, () => unknown>;
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => WasmMemory } })
  .WebAssembly;

let loading: Promise<QuickJSWASMModule> | undefined;
let latest: QuickJSWASMModule | undefined;
const abandoned = new WeakSet<QuickJSWASMModule>();

export function quickJS(): Promise<QuickJSWASMModule> {
  loading ??= load().then(
    (module) => (latest = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** A new Memory for every instance: one that was abandoned must not be reused. */
function load(): Promise<QuickJSWASMModule> {
  const wasmMemory = new Memory({ initial: WASM_INITIAL_BYTES / PAGE, maximum: WASM_MAX_BYTES / PAGE });
  return newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory }));
}

/**
 * After the wasm was cut off mid-instruction, or failed to free a runtime, its memory (shared by
 * every runtime in it) can no longer be trusted: the next login loads a new instance, and logins
 * still running in this one (in-process, several run at once) end in an error.
 */
export function abandonQuickJS(module: QuickJSWASMModule): void {
  abandoned.add(module);
  if (latest === module) {
    latest = undefined;
    loading = undefined;
  }
}

export function isAbandoned(module: QuickJSWASMModule): boolean {
  return abandoned.has(module);
}

import variant from '@jitl/quickjs-singlefile-mjs-release-sync';
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';

/**
 * The QuickJS WebAssembly module, compiled once per cold start (about 25 ms) and only when a
 * login first runs rules; a login's rules, and each of its actions, then get a runtime of their
 * own in it (run-context.ts). The single-file variant inlines the wasm, so the Lambda bundle is
 * one file with nothing to locate.
 */
let loading: Promise<QuickJSWASMModule> | undefined;
let latest: QuickJSWASMModule | undefined;
const abandoned = new WeakSet<QuickJSWASMModule>();

export function quickJS(): Promise<QuickJSWASMModule> {
  loading ??= newQuickJSWASMModuleFromVariant(variant).then(
    (module) => (latest = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
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

import variant from '@jitl/quickjs-singlefile-mjs-release-sync';
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';

/**
 * The QuickJS WebAssembly module, compiled once per cold start (about 25 ms) and only when a
 * login first runs rules; each login then gets its own runtime in it (about 0.3 ms). The
 * single-file variant inlines the wasm, so the Lambda bundle is one file with nothing to locate.
 */
let module: Promise<QuickJSWASMModule> | undefined;

export function quickJS(): Promise<QuickJSWASMModule> {
  module ??= newQuickJSWASMModuleFromVariant(variant).catch((error: unknown) => {
    module = undefined;
    throw error;
  });
  return module;
}

/**
 * After the wasm aborted (a failed assertion while freeing a runtime, or the host stack running
 * out inside the interpreter) its memory can no longer be trusted: the next login loads a new one.
 */
export function discardQuickJS(): void {
  module = undefined;
}

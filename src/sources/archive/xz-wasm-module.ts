// Gets the bundled xz decoder's compiled WebAssembly module out of xz-decompress (loaded lazily,
// once), for the decoder threads of xz-wasm-pool.ts.
import { DecompressionError } from "./decompress.js";

/** A compiled WebAssembly.Module (qus's TypeScript settings declare no WebAssembly types). */
// Why: the pool is handed the module without the WebAssembly types in scope.
export type WasmModule = object;

/** The parts of the global WebAssembly object used here. */
interface WasmGlobal {
  instantiate(...args: unknown[]): Promise<unknown>;
  readonly Module: abstract new (...args: never[]) => WasmModule;
}

let modulePromise: Promise<WasmModule> | undefined;

// Why: compiled once and shared, so each worker thread skips compiling the decoder.
/**
 * xz-decompress's compiled module. The package (pinned) exports only a web stream class that
 * instantiates the module privately; the module is taken from its one instantiate call.
 */
export function loadXzWasmModule(): Promise<WasmModule> {
  modulePromise ??= (async () => {
    const imported = (await import("xz-decompress")) as unknown as Record<string, unknown> & {
      default?: Record<string, unknown>;
    };
    const stream = (imported.XzReadableStream ?? imported.default?.XzReadableStream) as
      | { _getModuleInstance?: () => Promise<void> }
      | undefined;
    if (typeof stream?._getModuleInstance !== "function")
      throw new DecompressionError("xz-decompress no longer exposes its WebAssembly module loader");
    const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
    const original = wasm.instantiate;
    let captured: unknown;
    wasm.instantiate = async (...args: unknown[]): Promise<unknown> => {
      const result = (await original.apply(wasm, args)) as { module?: unknown };
      captured = result.module;
      return result;
    };
    try {
      await stream._getModuleInstance();
    } finally {
      wasm.instantiate = original;
    }
    if (!(captured instanceof wasm.Module))
      throw new DecompressionError("xz-decompress did not compile a WebAssembly module");
    return captured;
  })();
  const promise = modulePromise;
  promise.catch(() => {
    modulePromise = undefined;
  });
  return promise;
}

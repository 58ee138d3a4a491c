// A named export of a CommonJS package loaded with import(). Node puts CommonJS exports on the
// module namespace; the shipped bundle (esbuild with code splitting) gives a dynamically imported
// CommonJS package only a `default` export. Both are read here, so the same code runs in both.

/** `namespace[name]`, or `namespace.default[name]` when the package came through the bundle. */
export function commonJsExport<T>(namespace: unknown, name: string): T {
  const direct = (namespace as Record<string, unknown>)[name];
  if (direct !== undefined) return direct as T;
  const fallback = (namespace as { default?: Record<string, unknown> }).default;
  const value = fallback?.[name];
  if (value === undefined) throw new Error(`the package loaded has no export named ${name}`);
  return value as T;
}

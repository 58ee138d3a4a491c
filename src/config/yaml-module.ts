// The yaml package, loaded on first need: it is the largest part of config reading and a valid JSON
// config never needs it (the shipped CLI keeps it in a bundle of its own). parse.ts and locate.ts
// use it synchronously once loadYaml() has resolved.
type YamlModule = typeof import("yaml");

let loaded: YamlModule | undefined;

/** Loads yaml once; parse.ts's functions may be called after this resolves. */
export async function loadYaml(): Promise<void> {
  if (loaded !== undefined) return;
  const namespace = (await import("yaml")) as YamlModule & { default?: YamlModule };
  // A CommonJS package reached through the shipped bundle has only a default export.
  loaded = typeof namespace.parseDocument === "function" ? namespace : namespace.default;
  if (loaded === undefined) throw new Error("the yaml package has no parseDocument");
}

/** The loaded yaml package; a programming error before loadYaml(). */
export function yaml(): YamlModule {
  if (loaded === undefined) throw new Error("yaml() called before loadYaml()");
  return loaded;
}

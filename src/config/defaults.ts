// Defaults that depend on who runs qus, not on the config file.
import { join } from "node:path";
import { CONFIG_DEFAULTS } from "./types.js";

/**
 * The download cache when the config sets none: /var/cache/qus for root, otherwise
 * $XDG_CACHE_HOME/qus (ignored unless absolute, as the XDG spec says) or $HOME/.cache/qus.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, isRoot: boolean, homeDir: string): string {
  if (isRoot) return CONFIG_DEFAULTS.rootCacheDir;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg?.startsWith("/")) return join(xdg, "qus");
  const home = env.HOME?.startsWith("/") ? env.HOME : homeDir;
  return join(home, ".cache", "qus");
}

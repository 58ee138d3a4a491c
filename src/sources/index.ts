// Picks the source adapter for a config's `source.type`; heavy sources load only when used.
import type { SourceConfig } from "../config/types.js";
import { createLocalSource } from "./local.js";
import type { EmulatorSource } from "./types.js";

/** The adapter that resolves emulators for this source config. */
export async function sourceFor(config: SourceConfig): Promise<EmulatorSource> {
  switch (config.type) {
    case "local":
      return createLocalSource(config);
    case "debian": {
      const { createDebianSource } = await import("./debian/source.js");
      return createDebianSource(config);
    }
    case "fedora": {
      const { createFedoraSource } = await import("./fedora/source.js");
      return createFedoraSource(config);
    }
    default:
      throw new Error(`internal: no adapter for source type ${(config as { type: string }).type}`);
  }
}

// Picks the source adapter for a config's `source.type`; heavy sources load only when used.
import type { SourceConfig } from "../config/types.js";
import { createLocalSource } from "./local.js";
import type { EmulatorSource } from "./types.js";

/** The adapter that resolves emulators for this source config. */
export async function sourceFor(config: SourceConfig): Promise<EmulatorSource> {
  switch (config.type) {
    case "local":
      return createLocalSource(config);
    default:
      throw new Error(`internal: no adapter for source type ${(config as { type: string }).type}`);
  }
}

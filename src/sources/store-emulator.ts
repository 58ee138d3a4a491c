// Stores one emulator taken out of a package as a cache blob, checked (static ELF for this host)
// before it is committed, and the refusal of a package missing some: the steps the Debian and
// Fedora extractors share.
import type { HostCpu } from "../catalog/host.js";
import { checkExtractedEmulator } from "../files/check-emulator.js";
import { SourceError } from "../errors.js";
import type { BlobCache, CachedBlob } from "./cache.js";

/** Streams `body` into the cache; `label` names the emulator and its package in messages. */
export async function storeEmulatorBlob(
  cache: BlobCache,
  body: AsyncIterable<Uint8Array>,
  label: string,
  host: HostCpu,
): Promise<CachedBlob> {
  const writer = await cache.createWriter();
  try {
    for await (const chunk of body) await writer.write(chunk);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.commit({
    mode: 0o755,
    origin: label,
    check: (temp) => checkExtractedEmulator(temp, label, host),
  });
}

/**
 * Refuses a package that lacks some wanted emulators, naming their paths; `elsewhere` is where
 * else to look ("another suite", "another release").
 */
export function refuseMissingMembers(
  wanted: ReadonlyArray<{ readonly emulator: string; readonly member: string }>,
  found: ReadonlyMap<string, unknown>,
  where: string,
  elsewhere: string,
): void {
  const missing = wanted.filter((w) => !found.has(w.emulator));
  if (missing.length === 0) return;
  throw new SourceError(`${where} has no ${missing.map((w) => `/${w.member}`).join(", ")}`, {
    hint: `this package version does not provide these targets; choose other targets or ${elsewhere}`,
  });
}

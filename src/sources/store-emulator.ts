// Stores one emulator taken out of a package as a cache blob, checked (static ELF for this host)
// before it is committed: the step the Debian and Fedora extractors share.
import type { HostCpu } from "../catalog/host.js";
import { checkExtractedEmulator } from "../files/check-emulator.js";
import type { BlobCache, CachedBlob } from "./cache.js";

/** Streams `body` into the cache; `label` names the emulator and its package in messages. */
export async function storeEmulatorBlob(cache: BlobCache, body: AsyncIterable<Uint8Array>, label: string, host: HostCpu): Promise<CachedBlob> {
  const writer = await cache.createWriter();
  try {
    for await (const chunk of body) await writer.write(chunk);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.commit({ mode: 0o755, origin: label, check: (temp) => checkExtractedEmulator(temp, label, host) });
}

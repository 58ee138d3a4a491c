// The Debian emulator source. With a lock file that matches the config and blobs in the cache
// it makes no request at all; otherwise it resolves through the signed archive (InRelease ->
// Packages -> .deb), extracts only the wanted emulators, caches them by SHA-256 and records the
// result in qus.lock.json. Lock and cache are only updated after everything verified.
import { SourceError } from "../../errors.js";
import type { DecompressOptions } from "../archive/decompress.js";
import { BlobCache, type CachedBlob } from "../cache.js";
import { DEFAULT_DOWNLOAD_POLICY, type DownloadPolicy } from "../download.js";
import {
  LOCKFILE_VERSION,
  sameLockSource,
  startingLock,
  type LockedEmulator,
  type LockedPackage,
  type SourceLock,
} from "../lock.js";
import type { EmulatorSource, Resolution, SourceContext } from "../types.js";
import { debianArchitecture } from "./architecture.js";
import { memberPathFor } from "./choose-package.js";
import { describePackage, lockSourceFor, validateConfig, wantedEmulators } from "./choice.js";
import { DEFAULT_DEBIAN_KEYRING, type DebianSourceConfig } from "./config.js";
import type { DistOptions } from "./dist.js";
import { findPackageInArchive, type DebianMirrors } from "./find-package.js";
import { extractEmulators, type ExtractionStats, type WantedMember } from "./extract.js";
import {
  cachedEmulators,
  debianMirrorsFor,
  downloadListedPackage,
  downloadLockedPackage,
} from "./fetch-deb.js";
import { loadKeyring, type Keyring } from "./signature.js";
import { extractedNames, inPhase } from "../phases.js";

/** Knobs for tests and benchmarks; production uses the defaults. */
export interface DebianSourceOptions {
  readonly downloadPolicy?: DownloadPolicy;
  /** The clock Valid-Until is checked against. */
  readonly now?: () => Date;
  /** Root directory the host's APT sources are read under (default "/"). */
  readonly aptRoot?: string;
  readonly decompress?: DecompressOptions;
  /** false: decode data.tar from its start instead of jumping between xz blocks (see extract-blocks.ts). */
  readonly extractByBlocks?: boolean;
  /** Called after each extraction with how much of the package was read. */
  readonly onExtraction?: (stats: ExtractionStats) => void;
}

class DebianSource implements EmulatorSource {
  private mirrorsPromise: Promise<DebianMirrors> | undefined;
  private keyringPromise: Promise<Keyring> | undefined;

  constructor(
    private readonly config: DebianSourceConfig,
    private readonly options: DebianSourceOptions,
  ) {}

  private get policy(): DownloadPolicy {
    return this.options.downloadPolicy ?? DEFAULT_DOWNLOAD_POLICY;
  }

  // The mirror is looked up only when the network is needed: a locked, cached run reads no APT file.
  private mirrors(): Promise<DebianMirrors> {
    this.mirrorsPromise ??= debianMirrorsFor(this.config, this.options.aptRoot ?? "/");
    return this.mirrorsPromise;
  }

  private keyring(): Promise<Keyring> {
    this.keyringPromise ??= loadKeyring(this.config.keyring ?? DEFAULT_DEBIAN_KEYRING);
    return this.keyringPromise;
  }

  async resolve(emulators: readonly string[], context: SourceContext): Promise<Resolution> {
    validateConfig(this.config);
    const wanted = wantedEmulators(emulators);
    if (wanted.length === 0) return { emulators: [], lock: null };
    const architecture = debianArchitecture(context.host);
    const cache = new BlobCache(context.cacheDir, context.hashFile);
    const lock = await startingLock(context);
    const source = lockSourceFor(this.config);
    const lockApplies =
      lock !== null &&
      !context.upgrade &&
      sameLockSource(lock.source, source) &&
      lock.packages.length === 1 &&
      lock.packages.every((p) => p.architecture === architecture);
    const { pkg, blobs, previous } = lockApplies
      ? await this.resolveFromLock(lock, wanted, cache, context)
      : await this.resolveFromMirror(wanted, architecture, cache, context, lock);
    const emulatorsRecord: Record<string, LockedEmulator> = { ...previous };
    for (const [emulator, blob] of blobs)
      emulatorsRecord[emulator] = { sha256: blob.sha256, size: blob.size, package: pkg.package };
    const description = describePackage(pkg, this.config.suites);
    const resolved = wanted.map((emulator) => {
      const blob = blobs.get(emulator) as CachedBlob;
      return { emulator, path: blob.path, sha256: blob.sha256, size: blob.size, description };
    });
    return {
      emulators: resolved,
      lock: {
        lockfileVersion: LOCKFILE_VERSION,
        source,
        packages: [pkg],
        emulators: emulatorsRecord,
      },
    };
  }

  /** Uses the locked package: cached blobs as they are, the rest extracted from the locked .deb. */
  private async resolveFromLock(
    lock: SourceLock,
    wanted: readonly string[],
    cache: BlobCache,
    context: SourceContext,
  ) {
    const pkg = lock.packages[0] as LockedPackage;
    const { blobs, missing } = await cachedEmulators(
      wanted,
      (emulator) => {
        const locked = lock.emulators[emulator];
        return locked?.package === pkg.package ? locked : undefined;
      },
      cache,
    );
    if (missing.length > 0) {
      const deb = await downloadLockedPackage(
        pkg,
        cache,
        () => this.mirrors(),
        this.policy,
        context,
      );
      const extracted = await this.extract(deb.path, pkg, missing, cache, context);
      for (const [emulator, blob] of extracted) {
        const locked = lock.emulators[emulator];
        if (locked !== undefined && locked.sha256 !== blob.sha256) {
          throw new SourceError(
            `${emulator} extracted from ${pkg.filename} has SHA-256 ${blob.sha256}, but ${context.lockFile} records ${locked.sha256}`,
            {
              hint: "the lock file was edited or comes from another package: run with --upgrade to resolve again",
            },
          );
        }
        blobs.set(emulator, blob);
      }
    }
    // Emulators locked but not wanted now stay recorded: the lock changes only where needed.
    const previous = Object.fromEntries(
      Object.entries(lock.emulators).filter(
        ([name, e]) => !blobs.has(name) && e.package === pkg.package,
      ),
    );
    return { pkg, blobs, previous };
  }

  private async extract(
    debPath: string,
    pkg: LockedPackage,
    emulators: readonly string[],
    cache: BlobCache,
    context: SourceContext,
  ) {
    const wanted: WantedMember[] = emulators.map((emulator) => ({
      emulator,
      member: memberPathFor(pkg.package, emulator),
    }));
    const result = await inPhase(
      context.onPhase,
      "extract",
      pkg.filename.split("/").pop() ?? pkg.filename,
      (onRead) =>
        extractEmulators(debPath, wanted, cache, {
          host: context.host,
          where: `${pkg.package} ${pkg.version} (${pkg.filename})`,
          decompress: { env: context.env, ...this.options.decompress },
          byBlocks: this.options.extractByBlocks,
          onRead,
        }),
      (extracted) => extractedNames(extracted.blobs),
      pkg.size,
    );
    this.options.onExtraction?.(result.stats);
    return result.blobs;
  }

  /** Resolves through the signed archive: newest (or pinned) version across the suite and its security suite. */
  private async resolveFromMirror(
    wanted: readonly string[],
    architecture: string,
    cache: BlobCache,
    context: SourceContext,
    lock: SourceLock | null,
  ) {
    const { config } = this;
    const { mirror, securityMirror } = await this.mirrors();
    const distOptions: DistOptions = {
      keyring: () => this.keyring(),
      cache,
      policy: this.policy,
      now: this.options.now?.() ?? new Date(),
      pinned: config.version !== undefined,
      decompress: { env: context.env, ...this.options.decompress },
      onProgress: context.onProgress,
      onPhase: context.onPhase,
      onWarning: context.onWarning,
    };
    const choice = await findPackageInArchive(
      config,
      { mirror, securityMirror },
      architecture,
      distOptions,
    );
    const { stanza } = choice;
    const pkg: LockedPackage = {
      package: stanza.package,
      version: stanza.version,
      architecture: stanza.architecture,
      filename: stanza.filename,
      size: stanza.size,
      sha256: stanza.sha256,
    };
    // Emulators already extracted from this very package are reused: the .deb is fetched only if needed.
    const reusable =
      lock?.packages.some((p) => p.sha256 === pkg.sha256) === true ? lock.emulators : {};
    const { blobs, missing } = await cachedEmulators(
      wanted,
      (emulator) => reusable[emulator],
      cache,
    );
    if (missing.length === 0) return { pkg, blobs, previous: {} };
    const deb = await downloadListedPackage(
      pkg,
      choice.mirror,
      choice.dist,
      cache,
      this.policy,
      context,
    );
    for (const [emulator, blob] of await this.extract(deb.path, pkg, missing, cache, context))
      blobs.set(emulator, blob);
    return { pkg, blobs, previous: {} };
  }
}

/** Creates the Debian source for a config; `options` only matter to tests and benchmarks. */
export function createDebianSource(
  config: DebianSourceConfig,
  options: DebianSourceOptions = {},
): EmulatorSource {
  return new DebianSource(config, options);
}

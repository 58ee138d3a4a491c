// The Debian emulator source. With a lock file that matches the config and blobs in the cache
// it makes no request at all; otherwise it resolves through the signed archive (InRelease ->
// Packages -> .deb), extracts only the wanted emulators, caches them by SHA-256 and records the
// result in qus.lock.json. Lock and cache are only updated after everything verified.
import { SourceError } from "../../errors.js";
import type { DecompressOptions } from "../archive/decompress.js";
import { hostDebianMirrors } from "../apt-sources.js";
import { BlobCache, type CachedBlob } from "../cache.js";
import {
  DEFAULT_DOWNLOAD_POLICY,
  downloadToCache,
  HttpStatusError,
  type DownloadPolicy,
} from "../download.js";
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
import { DEFAULT_DEBIAN_KEYRING, securityEnabled, type DebianSourceConfig } from "./config.js";
import { mirrorUrl, type DistOptions } from "./dist.js";
import { findPackageInArchive, type DebianMirrors } from "./find-package.js";
import { extractEmulators, type ExtractionStats, type WantedMember } from "./extract.js";
import { loadKeyring, type Keyring } from "./signature.js";
import { isValidDebianVersion } from "./version.js";
import { extractedNames, inPhase } from "../phases.js";
import validRange from "semver/ranges/valid.js";

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

const SUITE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;
const EMULATOR_NAME = /^qemu-[a-z0-9_]+$/;

function isValidRange(range: string): boolean {
  return validRange(range) !== null;
}

function validateConfig(config: DebianSourceConfig): void {
  if (config.suites.length === 0) throw new SourceError("source.suite lists no Debian suite");
  for (const suite of config.suites) {
    if (!SUITE_NAME.test(suite))
      throw new SourceError(`source.suite ${JSON.stringify(suite)} is not a Debian suite name`);
  }
  if (config.qemu !== undefined && !isValidRange(config.qemu)) {
    throw new SourceError(`source.qemu ${JSON.stringify(config.qemu)} is not a version range`, {
      hint: 'write it like ">=9.2", "^10.2" or ">=9.2 <12"',
    });
  }
  if (config.version !== undefined && !isValidDebianVersion(config.version)) {
    throw new SourceError(
      `source.version ${JSON.stringify(config.version)} is not a valid Debian version`,
      {
        hint: 'write the exact version as apt shows it, e.g. "1:7.2+dfsg-7+deb12u18+b3"',
      },
    );
  }
  for (const url of [config.mirror, config.securityMirror]) {
    if (url !== undefined && !/^https?:\/\/[^/]/i.test(url)) {
      throw new SourceError(`Mirror ${JSON.stringify(url)} is not an http:// or https:// URL`);
    }
  }
}

/**
 * The lock's `source` record: what must be equal for a lock to apply (not the mirror). A list
 * of suites is recorded in sorted order (their order does not change what is chosen); the
 * `qemu` range is recorded when set, so changing it resolves again.
 */
function lockSourceFor(config: DebianSourceConfig): Record<string, string | boolean> {
  const source: Record<string, string | boolean> = {
    type: "debian",
    suite: [...config.suites].sort().join(","),
    security: config.suites.some((suite) => securityEnabled(suite, config.security)),
  };
  if (config.version !== undefined) source.version = config.version;
  if (config.qemu !== undefined) source.qemu = config.qemu;
  return source;
}

/** Where the emulators came from, the same whether resolved from the archive or the lock. */
function describePackage(pkg: LockedPackage, suites: readonly string[]): string {
  return `${pkg.package} ${pkg.version} (debian ${suites.join(", ")})`;
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
    this.mirrorsPromise ??= (async () => {
      const { config } = this;
      if (config.mirror !== undefined)
        return { mirror: config.mirror, securityMirror: config.securityMirror ?? config.mirror };
      // The first listed suite names the host's mirror entry (one mirror serves every suite).
      const host = await hostDebianMirrors(config.suites[0] ?? "", this.options.aptRoot ?? "/");
      if (host.mirror === null) {
        throw new SourceError(
          "No Debian mirror configured and none found in this host's APT sources",
          {
            hint: "set source.mirror to a Debian mirror URL (the directory that holds dists/ and pool/)",
          },
        );
      }
      return {
        mirror: host.mirror,
        securityMirror: config.securityMirror ?? host.securityMirror ?? host.mirror,
      };
    })();
    return this.mirrorsPromise;
  }

  private keyring(): Promise<Keyring> {
    this.keyringPromise ??= loadKeyring(this.config.keyring ?? DEFAULT_DEBIAN_KEYRING);
    return this.keyringPromise;
  }

  async resolve(emulators: readonly string[], context: SourceContext): Promise<Resolution> {
    validateConfig(this.config);
    const wanted = [...new Set(emulators)];
    for (const emulator of wanted) {
      if (!EMULATOR_NAME.test(emulator))
        throw new SourceError(`${JSON.stringify(emulator)} is not a QEMU emulator program name`);
    }
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
    const blobs = new Map<string, CachedBlob>();
    const missing: string[] = [];
    for (const emulator of wanted) {
      const locked = lock.emulators[emulator];
      const path =
        locked === undefined || locked.package !== pkg.package
          ? null
          : await cache.get(locked.sha256, locked.size);
      if (path !== null && locked !== undefined)
        blobs.set(emulator, { path, sha256: locked.sha256, size: locked.size });
      else missing.push(emulator);
    }
    if (missing.length > 0) {
      const deb = await this.downloadLockedPackage(pkg, cache, context);
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

  /** Re-downloads exactly the locked .deb (verified by size and SHA-256) from whichever mirror has it. */
  private async downloadLockedPackage(
    pkg: LockedPackage,
    cache: BlobCache,
    context: SourceContext,
  ): Promise<CachedBlob> {
    const cached = await cache.get(pkg.sha256, pkg.size);
    if (cached !== null) return { path: cached, sha256: pkg.sha256, size: pkg.size };
    const { mirror, securityMirror } = await this.mirrors();
    const bases = [
      ...new Set(
        pkg.filename.startsWith("pool/updates/")
          ? [securityMirror, mirror]
          : [mirror, securityMirror],
      ),
    ];
    for (const base of bases) {
      const url = mirrorUrl(base, pkg.filename);
      try {
        return await downloadToCache(
          {
            url,
            label: pkg.filename.split("/").pop() ?? pkg.filename,
            onProgress: context.onProgress,
          },
          cache,
          pkg,
          this.policy,
        );
      } catch (error) {
        if (!(error instanceof HttpStatusError && error.status === 404)) throw error;
      }
    }
    throw new SourceError(
      `The locked package ${pkg.package} ${pkg.version} (${pkg.filename}) is no longer on ${bases.join(" or ")}`,
      {
        hint: `run with --upgrade to resolve the current version and update ${context.lockFile}`,
      },
    );
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
    const blobs = new Map<string, CachedBlob>();
    const reusable =
      lock?.packages.some((p) => p.sha256 === pkg.sha256) === true ? lock.emulators : {};
    const missing: string[] = [];
    for (const emulator of wanted) {
      const locked = reusable[emulator];
      const path = locked === undefined ? null : await cache.get(locked.sha256, locked.size);
      if (path !== null && locked !== undefined)
        blobs.set(emulator, { path, sha256: locked.sha256, size: locked.size });
      else missing.push(emulator);
    }
    if (missing.length === 0) return { pkg, blobs, previous: {} };
    const url = mirrorUrl(choice.mirror, stanza.filename);
    let deb: CachedBlob;
    try {
      deb = await downloadToCache(
        {
          url,
          label: stanza.filename.split("/").pop() ?? stanza.filename,
          onProgress: context.onProgress,
        },
        cache,
        pkg,
        this.policy,
      );
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) {
        throw new SourceError(
          `The mirror's ${choice.dist} index lists ${stanza.filename}, but ${url} does not exist`,
          {
            cause: error,
            hint: "the mirror is being updated or is incomplete; try again later or use another mirror",
          },
        );
      }
      throw error;
    }
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

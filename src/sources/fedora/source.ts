// The Fedora emulator source. With a lock file that matches the config and blobs in the cache it
// makes no request at all; otherwise it reads the release's and its updates' repodata, picks the
// newest (or pinned) build of each `qemu-user-static-<family>` package holding a wanted target,
// verifies every package (SHA-256 from the index, header signature, payload digest) before
// extracting only the wanted emulators, caches them by SHA-256 and records the result in
// qus.lock.json. Lock and cache are only updated after everything verified.
import { access } from "node:fs/promises";
import type { FedoraSourceConfig } from "../../config/types.js";
import { SourceError } from "../../errors.js";
import type { DecompressOptions } from "../archive/decompress.js";
import { BlobCache, type CachedBlob } from "../cache.js";
import { DEFAULT_DOWNLOAD_POLICY, type DownloadPolicy } from "../download.js";
import {
  sameLockSource,
  startingLock,
  type LockedEmulator,
  type LockedPackage,
  type SourceLock,
} from "../lock.js";
import type { EmulatorSource, Resolution, SourceContext } from "../types.js";
import { DEFAULT_FEDORA_MIRROR, defaultFedoraKeyPath } from "./defaults.js";
import { fedoraArchitecture, fedoraPackageFor } from "./families.js";
import { loadTrustedKeys, type TrustedKeys } from "./keys.js";
import { listCandidates } from "./candidates.js";
import { fetchVerifyExtract, type PackageFetcher } from "./fetch-package.js";
import {
  EMULATOR_NAME,
  chooseBuild,
  lockAfterResolution,
  fromLocked,
  lockSourceFor,
  toLocked,
  validateConfig,
} from "./choice.js";

/** Knobs for tests; production uses the defaults. */
export interface FedoraSourceOptions {
  readonly downloadPolicy?: DownloadPolicy;
  readonly decompress?: DecompressOptions;
}

class FedoraSource implements EmulatorSource {
  private keysPromise: Promise<TrustedKeys | null> | undefined;

  constructor(
    private readonly config: FedoraSourceConfig,
    private readonly options: FedoraSourceOptions,
  ) {}

  private get policy(): DownloadPolicy {
    return this.options.downloadPolicy ?? DEFAULT_DOWNLOAD_POLICY;
  }

  private get mirror(): string {
    return this.config.mirror ?? DEFAULT_FEDORA_MIRROR;
  }

  // Keys are read only when a package must be verified: a locked, cached run reads none.
  private keys(): Promise<TrustedKeys | null> {
    this.keysPromise ??= (async () => {
      if (this.config.key !== undefined) return loadTrustedKeys(this.config.key);
      const fallback = defaultFedoraKeyPath(this.config.release);
      const present = await access(fallback).then(
        () => true,
        () => false,
      );
      return present ? loadTrustedKeys(fallback) : null;
    })();
    return this.keysPromise;
  }

  private fetcher(context: SourceContext): PackageFetcher {
    return {
      mirror: this.mirror,
      policy: this.policy,
      pins: this.config.sha256,
      keys: () => this.keys(),
      decompress: { env: context.env, ...this.options.decompress },
    };
  }

  async resolve(emulators: readonly string[], context: SourceContext): Promise<Resolution> {
    validateConfig(this.config);
    const wanted = [...new Set(emulators)];
    const packageOf = new Map<string, string>();
    for (const emulator of wanted) {
      if (!EMULATOR_NAME.test(emulator))
        throw new SourceError(`${JSON.stringify(emulator)} is not a QEMU emulator program name`);
      const name = fedoraPackageFor(emulator);
      if (name === null)
        throw new SourceError(
          `Fedora ships no static emulator for ${emulator.replace(/^qemu-/, "")} (no qemu-user-static-<family> package holds ${emulator}-static)`,
        );
      packageOf.set(emulator, name);
    }
    const arch = fedoraArchitecture(context.host.target);
    if (arch === null) {
      throw new SourceError(
        `Fedora publishes no packages for this host's architecture (${context.host.machine})`,
        {
          hint: "Fedora builds for x86_64, aarch64, ppc64le and s390x; use a local or Debian source here",
        },
      );
    }
    const cache = new BlobCache(context.cacheDir, context.hashFile);
    const lock = await startingLock(context);
    const source = lockSourceFor(this.config);
    const lockApplies =
      lock !== null &&
      !context.upgrade &&
      sameLockSource(lock.source, source) &&
      lock.packages.every((p) => p.architecture === arch);

    const blobs = new Map<string, CachedBlob>();
    const used = new Map<string, LockedPackage>();
    let fromMirror = wanted;
    if (lockApplies)
      fromMirror = await this.resolveFromLock(lock, wanted, packageOf, cache, context, blobs, used);
    if (fromMirror.length > 0)
      await this.resolveFromMirror(fromMirror, packageOf, arch, cache, context, lock, blobs, used);

    const lockAfter = lockAfterResolution(
      lockApplies ? lock : null,
      source,
      used,
      blobs,
      packageOf,
    );
    const resolved = wanted.map((emulator) => {
      const blob = blobs.get(emulator) as CachedBlob;
      const pkg = used.get(packageOf.get(emulator) as string) as LockedPackage;
      return {
        emulator,
        path: blob.path,
        sha256: blob.sha256,
        size: blob.size,
        description: `${pkg.package} ${pkg.version} (fedora ${this.config.release})`,
      };
    });
    return { emulators: resolved, lock: lockAfter };
  }

  /**
   * Takes what the lock records: cached blobs as they are, the rest extracted again from the
   * locked package. Returns the emulators the lock knows nothing about.
   */
  private async resolveFromLock(
    lock: SourceLock,
    wanted: readonly string[],
    packageOf: ReadonlyMap<string, string>,
    cache: BlobCache,
    context: SourceContext,
    blobs: Map<string, CachedBlob>,
    used: Map<string, LockedPackage>,
  ): Promise<string[]> {
    const unknown: string[] = [];
    const toExtract = new Map<string, string[]>();
    for (const emulator of wanted) {
      const locked = lock.emulators[emulator];
      const pkg = lock.packages.find((p) => p.package === packageOf.get(emulator));
      if (locked === undefined || pkg === undefined || locked.package !== pkg.package) {
        unknown.push(emulator);
        continue;
      }
      used.set(pkg.package, pkg);
      const path = await cache.get(locked.sha256, locked.size);
      if (path !== null) blobs.set(emulator, { path, sha256: locked.sha256, size: locked.size });
      else toExtract.set(pkg.package, [...(toExtract.get(pkg.package) ?? []), emulator]);
    }
    for (const [name, emulators] of toExtract) {
      const pkg = used.get(name) as LockedPackage;
      const extracted = await fetchVerifyExtract(
        this.fetcher(context),
        { entry: fromLocked(pkg), filename: pkg.filename, repository: "the lock file" },
        emulators,
        cache,
        context,
        true,
      );
      for (const [emulator, blob] of extracted) {
        const locked = lock.emulators[emulator] as LockedEmulator;
        if (locked.sha256 !== blob.sha256) {
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
    return unknown;
  }

  /** Reads both repositories and takes the newest (or pinned) build of each needed package. */
  private async resolveFromMirror(
    emulators: readonly string[],
    packageOf: ReadonlyMap<string, string>,
    arch: string,
    cache: BlobCache,
    context: SourceContext,
    lock: SourceLock | null,
    blobs: Map<string, CachedBlob>,
    used: Map<string, LockedPackage>,
  ): Promise<void> {
    const names = new Set(emulators.map((e) => packageOf.get(e) as string));
    const { candidates, repositories } = await listCandidates(
      this.mirror,
      this.config.release,
      arch,
      names,
      {
        cache,
        policy: this.policy,
        decompress: { env: context.env, ...this.options.decompress },
        onProgress: context.onProgress,
      },
      context.onWarning,
    );
    const where = `Fedora ${this.config.release} (${repositories.map((r) => r.name).join(" and ")}, ${arch})`;
    for (const name of [...names].sort()) {
      const ofName = candidates.filter((c) => c.entry.name === name);
      const choice = chooseBuild(ofName, name, this.config, where);
      const pkg = toLocked(choice);
      used.set(name, pkg);
      const mine = emulators.filter((e) => packageOf.get(e) === name);
      // Emulators already extracted from this very package are reused from the cache.
      const reusable =
        lock?.packages.some((p) => p.package === name && p.sha256 === pkg.sha256) === true
          ? lock.emulators
          : {};
      const missing: string[] = [];
      for (const emulator of mine) {
        const locked = reusable[emulator];
        const path = locked === undefined ? null : await cache.get(locked.sha256, locked.size);
        if (path !== null && locked !== undefined)
          blobs.set(emulator, { path, sha256: locked.sha256, size: locked.size });
        else missing.push(emulator);
      }
      if (missing.length > 0)
        for (const [emulator, blob] of await fetchVerifyExtract(
          this.fetcher(context),
          choice,
          missing,
          cache,
          context,
          false,
        ))
          blobs.set(emulator, blob);
    }
  }
}

/** Creates the Fedora source for a config; `options` only matter to tests. */
export function createFedoraSource(
  config: FedoraSourceConfig,
  options: FedoraSourceOptions = {},
): EmulatorSource {
  return new FedoraSource(config, options);
}

// The Fedora emulator source. With a lock file that matches the config and blobs in the cache it
// makes no request at all; otherwise it reads the release's and its updates' repodata, picks the
// newest (or pinned) build of each `qemu-user-static-<family>` package holding a wanted target,
// verifies every package (SHA-256 from the index, header signature, payload digest) before
// extracting only the wanted emulators, caches them by SHA-256 and records the result in
// qus.lock.json. Lock and cache are only updated after everything verified.
import { access } from "node:fs/promises";
import { posix } from "node:path";
import type { FedoraSourceConfig } from "../../config/types.js";
import { SourceError } from "../../errors.js";
import type { DecompressOptions } from "../archive/decompress.js";
import { BlobCache, type CachedBlob } from "../cache.js";
import {
  DEFAULT_DOWNLOAD_POLICY,
  downloadToCache,
  HttpStatusError,
  type DownloadPolicy,
} from "../download.js";
import {
  sameLockSource,
  startingLock,
  type LockedEmulator,
  type LockedPackage,
  type SourceLock,
} from "../lock.js";
import type { EmulatorSource, Resolution, SourceContext } from "../types.js";
import { DEFAULT_FEDORA_MIRROR, defaultFedoraKeyPath, fedoraRepositories } from "./defaults.js";
import { extractedNames, inPhase } from "../phases.js";
import { extractFromRpm } from "./extract.js";
import { fedoraArchitecture, fedoraMemberPath, fedoraPackageFor } from "./families.js";
import { loadTrustedKeys, type TrustedKeys } from "./keys.js";
import {
  fetchRepositoryPackages,
  joinUrl,
  RepositoryNotFoundError,
  type RepositoryOptions,
} from "./repository.js";
import { compareEvr, formatEvr } from "./version.js";
import { verifyPackage } from "./verify-package.js";
import {
  EMULATOR_NAME,
  fromLocked,
  lockSourceFor,
  matchesPin,
  toLocked,
  validateConfig,
  withinRange,
  type Choice,
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

    // With a lock that applies, what it records and is not wanted now stays: the lock changes only where needed.
    const packages = new Map<string, LockedPackage>(
      lockApplies ? lock.packages.map((p) => [p.package, p]) : [],
    );
    for (const [name, pkg] of used) packages.set(name, pkg);
    const emulatorsRecord: Record<string, LockedEmulator> = {};
    if (lockApplies) {
      for (const [name, entry] of Object.entries(lock.emulators))
        if (
          packages.get(entry.package)?.sha256 ===
          lock.packages.find((p) => p.package === entry.package)?.sha256
        )
          emulatorsRecord[name] = entry;
    }
    for (const [emulator, blob] of blobs)
      emulatorsRecord[emulator] = {
        sha256: blob.sha256,
        size: blob.size,
        package: packageOf.get(emulator) as string,
      };
    const kept = new Set(Object.values(emulatorsRecord).map((e) => e.package));
    const lockAfter: SourceLock = {
      lockfileVersion: 1,
      source,
      packages: [...packages.values()].filter((p) => kept.has(p.package)),
      emulators: emulatorsRecord,
    };
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
      const extracted = await this.fetchVerifyExtract(
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
    const repositoryOptions: RepositoryOptions = {
      cache,
      policy: this.policy,
      decompress: { env: context.env, ...this.options.decompress },
      onProgress: context.onProgress,
    };
    const repositories = fedoraRepositories(this.config.release, arch);
    const settled = await Promise.allSettled(
      repositories.map(async (repository) => {
        try {
          const entries = await fetchRepositoryPackages(
            joinUrl(this.mirror, repository.path),
            repository.name,
            names,
            repositoryOptions,
          );
          return entries
            .filter((e) => e.arch === arch)
            .map(
              (entry): Choice => ({
                entry,
                filename: posix.join(repository.path, entry.href),
                repository: repository.name,
              }),
            );
        } catch (error) {
          if (repository.optional && error instanceof RepositoryNotFoundError) {
            context.onWarning?.(`${error.message}; continuing with ${repositories[0]?.name} only`);
            return [];
          }
          throw error;
        }
      }),
    );
    // Wait for every repository before failing, so no download is left running behind an error.
    const failed = settled.find(
      (result): result is PromiseRejectedResult => result.status === "rejected",
    );
    if (failed !== undefined) throw failed.reason;
    const candidates = settled.flatMap((result) =>
      result.status === "fulfilled" ? result.value : [],
    );
    const where = `Fedora ${this.config.release} (${repositories.map((r) => r.name).join(" and ")}, ${arch})`;
    for (const name of [...names].sort()) {
      const ofName = candidates.filter((c) => c.entry.name === name);
      const pin = this.config.version;
      const range = this.config.qemu;
      const available = () =>
        [...new Set(ofName.map((c) => formatEvr(c.entry.evr)))].join(", ") || "none";
      let choice: Choice | undefined;
      if (pin !== undefined) {
        choice = ofName.find((c) => matchesPin(c.entry, pin));
        if (choice === undefined) {
          throw new SourceError(`${where} has no ${name} version ${pin}`, {
            hint: `available: ${available()}; change source.version or remove it`,
          });
        }
        if (!withinRange(choice.entry, range))
          throw new SourceError(
            `source.version ${pin} is outside source.qemu ${JSON.stringify(range)}`,
            { hint: "change the pin or the range, or remove one of them" },
          );
      } else {
        for (const candidate of ofName)
          if (
            withinRange(candidate.entry, range) &&
            (choice === undefined || compareEvr(candidate.entry.evr, choice.entry.evr) > 0)
          )
            choice = candidate;
        if (choice === undefined && ofName.length > 0)
          throw new SourceError(
            `${where} offers no ${name} satisfying qemu ${JSON.stringify(range)}`,
            {
              hint: `available: ${available()}; widen source.qemu or use a newer source.release`,
            },
          );
        if (choice === undefined)
          throw new SourceError(`${where} has no package ${name}`, {
            hint: "check source.release; Fedora splits the static emulators into qemu-user-static-<family> packages since Fedora 37",
          });
      }
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
        for (const [emulator, blob] of await this.fetchVerifyExtract(
          choice,
          missing,
          cache,
          context,
          false,
        ))
          blobs.set(emulator, blob);
    }
  }

  /** Downloads a package (checked against its index size and SHA-256), verifies it, extracts `emulators`. */
  private async fetchVerifyExtract(
    choice: Choice,
    emulators: readonly string[],
    cache: BlobCache,
    context: SourceContext,
    locked: boolean,
  ): Promise<Map<string, CachedBlob>> {
    const { entry, filename } = choice;
    const url = joinUrl(this.mirror, filename);
    const fileName = posix.basename(filename);
    let rpm: CachedBlob;
    try {
      rpm = await downloadToCache(
        { url, label: fileName, onProgress: context.onProgress },
        cache,
        entry,
        this.policy,
      );
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) {
        throw new SourceError(
          locked
            ? `The locked package ${fileName} is no longer at ${url}`
            : `The ${choice.repository} index lists ${filename}, but ${url} does not exist`,
          {
            cause: error,
            hint: locked
              ? "run with --upgrade to resolve the current version and update the lock file"
              : "the mirror is being updated or is incomplete; try again later or use another mirror",
          },
        );
      }
      throw error;
    }
    const where = `${entry.name}-${formatEvr(entry.evr)}.${entry.arch} (${filename})`;
    const pinnedSha256 = this.config.sha256?.[fileName] ?? this.config.sha256?.[entry.name];
    const keys = pinnedSha256 === undefined ? await this.keys() : null;
    const verified = await inPhase(
      context.onPhase,
      "verify",
      fileName,
      () => verifyPackage(rpm.path, entry, { keys, pinnedSha256, fileSha256: rpm.sha256 }, where),
      (result) =>
        result.trust === "pin"
          ? "SHA-256 matches its pin in source.sha256 (no signature check)"
          : "good header signature, header and payload digests match",
    );
    if (verified.trust === "pin")
      context.onWarning?.(
        `${where} was accepted by its SHA-256 pin in source.sha256, without a signature check`,
      );
    return inPhase(
      context.onPhase,
      "extract",
      fileName,
      (onRead) =>
        extractFromRpm(
          rpm.path,
          verified,
          emulators.map((emulator) => ({ emulator, member: fedoraMemberPath(emulator) })),
          cache,
          {
            host: context.host,
            where,
            decompress: { env: context.env, ...this.options.decompress },
            onRead,
          },
        ),
      extractedNames,
      rpm.size,
    );
  }
}

/** Creates the Fedora source for a config; `options` only matter to tests. */
export function createFedoraSource(
  config: FedoraSourceConfig,
  options: FedoraSourceOptions = {},
): EmulatorSource {
  return new FedoraSource(config, options);
}

// A real, signed Debian archive on loopback for the Debian source's tests. Built from real
// packages: the fixture qemu-user-static .deb (bookworm layout) and, from the same binaries,
// trixie-like packages made with dpkg-deb (qemu-user with data.tar.zst and with data.tar.xz, a
// qemu-user-static of symlinks only). Packages come from apt-ftparchive, Release from
// apt-ftparchive release, InRelease is clear-signed by a throwaway key made with gpg in a temp
// GNUPGHOME. The build is cached in the temp directory, keyed by this file and its inputs, so
// every test file in a run (and later runs) reuse it. The HTTP server can inject faults and logs
// every request, so tests can count requests and see retries. trixie-backports publishes the real
// qemu-user 11.1 package (fetched by scripts/fetch-qemu-generations.sh), so that a suite list
// offers several QEMU generations, each emulator saying its own true version.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync } from "node:fs";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
  chmod,
  readdir,
} from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative, resolve, sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildFixtureOnce } from "./fixture-build.js";
import { emulatorPath, fixturesDir, qemuDeb } from "./fixtures.js";

const run = promisify(execFile);

/** The targets built into the trixie-like packages. */
export const TRIXIE_TARGETS = ["aarch64", "arm", "riscv64", "ppc64le", "s390x"] as const;
/** Versions the fixture archive publishes. */
export const TRIXIE_VERSION = "1:10.0.2+ds-1";
export const TRIXIE_SECURITY_VERSION = "1:10.0.2+ds-1+deb13u1";
/** A date long past, used as sid's Valid-Until. */
export const EXPIRED_VALID_UNTIL = "Sat, 01 Jan 2022 00:00:00 UTC";

/** A package as published in the fixture archive. */
export interface PublishedPackage {
  readonly package: string;
  readonly version: string;
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
}

/** The built archive. */
export interface DebianMirrorFixture {
  /** Served root (holds dists/ and pool/). */
  readonly root: string;
  /** An older state of trixie-security (no qemu package yet) to serve over the root. */
  readonly oldSecurityOverlay: string;
  /** Binary keyring with the archive's signing key. */
  readonly trustedKeyring: string;
  /** The same key, ASCII-armoured. */
  readonly trustedKeyringArmoured: string;
  /** Binary keyring with an unrelated key. */
  readonly untrustedKeyring: string;
  readonly bookwormStatic: PublishedPackage;
  readonly bookwormDynamicUser: PublishedPackage;
  readonly trixieUser: PublishedPackage;
  readonly trixieTransitional: PublishedPackage;
  readonly trixieSecurityUser: PublishedPackage;
  /** Debian's real trixie-backports qemu-user (QEMU 11.1). */
  readonly trixieBackportsUser: PublishedPackage;
}

/** Debian's real qemu-user .deb of a suite, as scripts/fetch-qemu-generations.sh keeps it. */
export function generationDeb(suite: string): string {
  const dir = join(fixturesDir(), "generations", suite);
  const deb = (existsSync(dir) ? readdirSync(dir) : []).find(
    (name) => name.startsWith("qemu-user_") && name.endsWith(".deb"),
  );
  if (deb === undefined)
    throw new Error(
      `test fixture missing: ${dir}/qemu-user_*.deb; run scripts/setup.sh to fetch the real test fixtures`,
    );
  return join(dir, deb);
}

const HERE = fileURLToPath(import.meta.url);
const ARCH = "amd64";

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function describeFile(
  root: string,
  filename: string,
  pkg: string,
  version: string,
): Promise<PublishedPackage> {
  const path = join(root, filename);
  return {
    package: pkg,
    version,
    filename,
    size: (await stat(path)).size,
    sha256: await sha256Of(path),
  };
}

function debName(pkg: string, version: string): string {
  return `${pkg}_${version.replace(/^\d+:/, "")}_${ARCH}.deb`;
}

/** Builds a .deb with dpkg-deb from `files` (path in package -> source file or symlink target). */
async function buildDeb(options: {
  readonly work: string;
  readonly out: string;
  readonly control: Record<string, string>;
  readonly files?: Readonly<Record<string, string>>;
  readonly links?: Readonly<Record<string, string>>;
  readonly compression: "xz" | "zstd";
}): Promise<void> {
  const staging = await mkdtemp(join(options.work, "pkg-"));
  let installedBytes = 0;
  for (const [inside, from] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(staging, inside)), { recursive: true });
    await copyFile(from, join(staging, inside));
    await chmod(join(staging, inside), 0o755);
    installedBytes += (await stat(from)).size;
  }
  for (const [inside, target] of Object.entries(options.links ?? {})) {
    await mkdir(dirname(join(staging, inside)), { recursive: true });
    await symlink(target, join(staging, inside));
  }
  await mkdir(join(staging, "DEBIAN"));
  const control = {
    ...options.control,
    Architecture: ARCH,
    Maintainer: "qus tests <qus-tests@example.invalid>",
    "Installed-Size":
      options.control["Installed-Size"] ?? String(Math.max(1, Math.ceil(installedBytes / 1024))),
  };
  const text = Object.entries(control)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  await writeFile(join(staging, "DEBIAN", "control"), `${text}\n`);
  await mkdir(dirname(options.out), { recursive: true });
  await run("dpkg-deb", [
    "--root-owner-group",
    `-Z${options.compression}`,
    "-z1",
    "--build",
    staging,
    options.out,
  ]);
  await rm(staging, { recursive: true, force: true });
}

async function gpg(home: string, args: string[]): Promise<string> {
  const { stdout } = await run("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], {
    maxBuffer: 16 * 1024 * 1024,
    encoding: "utf8",
  });
  return stdout;
}

async function makeKey(home: string, uid: string): Promise<string> {
  await gpg(home, ["--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"]);
  const listing = await gpg(home, ["--with-colons", "--list-keys", uid]);
  const fpr = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(listing)?.[1];
  if (fpr === undefined) throw new Error(`gpg made no key for ${uid}`);
  return fpr;
}

/** Writes Packages(.xz/.gz), Release and InRelease for one dist listing `files` (paths under root). */
async function publishDist(options: {
  readonly root: string;
  readonly work: string;
  readonly dist: string;
  readonly files: readonly string[];
  readonly gnupgHome: string;
  readonly signer: string;
  readonly byHash: boolean;
  readonly date?: string;
  readonly validUntil?: string;
}): Promise<void> {
  const { root, dist } = options;
  const scan = await mkdtemp(join(options.work, "scan-"));
  for (const file of options.files) {
    await mkdir(dirname(join(scan, file)), { recursive: true });
    await symlink(join(root, file), join(scan, file));
  }
  await mkdir(join(scan, "pool"), { recursive: true });
  const { stdout: packages } = await run("apt-ftparchive", ["packages", "pool"], {
    cwd: scan,
    maxBuffer: 64 * 1024 * 1024,
    encoding: "utf8",
  });
  await rm(scan, { recursive: true, force: true });
  const binary = join(root, "dists", dist, "main", `binary-${ARCH}`);
  await mkdir(binary, { recursive: true });
  await writeFile(join(binary, "Packages"), packages);
  await run("xz", ["-k", "-f", join(binary, "Packages")]);
  await run("gzip", ["-k", "-f", "-n", join(binary, "Packages")]);
  const set = (field: string, value: string) => [
    "-o",
    `APT::FTPArchive::Release::${field}=${value}`,
  ];
  const args = [
    ...set("Origin", "qus-test"),
    ...set("Label", "qus-test"),
    ...set("Suite", dist),
    ...set("Codename", dist),
    ...set("Architectures", ARCH),
    ...set("Components", "main"),
    ...(options.byHash ? set("Acquire-By-Hash", "yes") : []),
    ...(options.date !== undefined ? set("Date", options.date) : []),
    // apt-ftparchive writes Valid-Until as now + ValidTime; the exact date is set below.
    ...(options.validUntil !== undefined ? set("ValidTime", "1") : []),
    "release",
    ".",
  ];
  const { stdout: release } = await run("apt-ftparchive", args, {
    cwd: join(root, "dists", dist),
    maxBuffer: 16 * 1024 * 1024,
    encoding: "utf8",
  });
  const validUntil = options.validUntil;
  const text =
    validUntil === undefined
      ? release
      : release.replace(/^Valid-Until: .*$/m, `Valid-Until: ${validUntil}`);
  if (validUntil !== undefined && !text.includes(`Valid-Until: ${validUntil}`))
    throw new Error("apt-ftparchive wrote no Valid-Until field");
  await writeFile(join(root, "dists", dist, "Release"), text);
  await gpg(options.gnupgHome, [
    "--yes",
    "--local-user",
    options.signer,
    "--digest-algo",
    "SHA512",
    "--clearsign",
    "-o",
    join(root, "dists", dist, "InRelease"),
    join(root, "dists", dist, "Release"),
  ]);
  if (options.byHash) {
    const byHash = join(binary, "by-hash", "SHA256");
    await mkdir(byHash, { recursive: true });
    for (const name of ["Packages", "Packages.xz", "Packages.gz"])
      await copyFile(join(binary, name), join(byHash, await sha256Of(join(binary, name))));
  }
}

async function controlField(deb: string, field: string): Promise<string> {
  const { stdout } = await run("dpkg-deb", ["-f", deb, field], { encoding: "utf8" });
  return stdout.trim();
}

async function buildInto(target: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "qus-mirror-work-"));
  // gpg-agent's socket path must be short: a GNUPGHOME directly under the temp directory.
  const gnupgHome = await mkdtemp(join(tmpdir(), "qus-gpg-"));
  try {
    await chmod(gnupgHome, 0o700);
    const root = join(target, "mirror");
    const overlay = join(target, "overlay-old-security");
    const keys = join(target, "keys");
    await mkdir(keys, { recursive: true });
    const signer = await makeKey(gnupgHome, "qus test archive <qus-archive@example.invalid>");
    const stranger = await makeKey(gnupgHome, "someone else <someone-else@example.invalid>");
    await writeFile(
      join(keys, "trusted.gpg"),
      await run("gpg", ["--homedir", gnupgHome, "--batch", "--export", signer], {
        encoding: "buffer",
        maxBuffer: 1 << 20,
      }).then((r) => r.stdout),
    );
    await writeFile(
      join(keys, "trusted.asc"),
      await gpg(gnupgHome, ["--armor", "--export", signer]),
    );
    await writeFile(
      join(keys, "untrusted.gpg"),
      await run("gpg", ["--homedir", gnupgHome, "--batch", "--export", stranger], {
        encoding: "buffer",
        maxBuffer: 1 << 20,
      }).then((r) => r.stdout),
    );

    // bookworm: the real qemu-user-static, plus a dynamically linked qemu-user like bookworm's.
    const realDeb = qemuDeb();
    const bookwormVersion = await controlField(realDeb, "Version");
    const bookwormStatic = `pool/main/q/qemu/${debName("qemu-user-static", bookwormVersion)}`;
    await mkdir(dirname(join(root, bookwormStatic)), { recursive: true });
    await symlink(realDeb, join(root, bookwormStatic));
    const bookwormUser = `pool/main/q/qemu/${debName("qemu-user", bookwormVersion)}`;
    await buildDeb({
      work,
      out: join(root, bookwormUser),
      control: {
        Package: "qemu-user",
        Version: bookwormVersion,
        Depends: "libc6 (>= 2.34), libglib2.0-0 (>= 2.75.3)",
        Description: "QEMU user mode emulation binaries (dynamic; qus test build)",
      },
      files: { "usr/bin/qemu-aarch64": "/usr/bin/true" },
      compression: "xz",
    });

    // trixie: static qemu-user (zstd), transitional qemu-user-static (symlinks only).
    const emulators = (suffix: string) =>
      Object.fromEntries(
        TRIXIE_TARGETS.map((t) => [`usr/bin/qemu-${t}${suffix}`, emulatorPath(t)]),
      );
    const trixieUser = `pool/main/q/qemu/${debName("qemu-user", TRIXIE_VERSION)}`;
    await buildDeb({
      work,
      out: join(root, trixieUser),
      control: {
        Package: "qemu-user",
        Version: TRIXIE_VERSION,
        Provides: "qemu-user-static",
        Description: "QEMU user mode emulation (static binaries; qus test build)",
      },
      files: emulators(""),
      compression: "zstd",
    });
    const trixieShim = `pool/main/q/qemu/${debName("qemu-user-static", TRIXIE_VERSION)}`;
    await buildDeb({
      work,
      out: join(root, trixieShim),
      control: {
        Package: "qemu-user-static",
        Version: TRIXIE_VERSION,
        Depends: `qemu-user (= ${TRIXIE_VERSION})`,
        Description: "QEMU user mode emulation (compat/transitional package; qus test build)",
      },
      links: Object.fromEntries(
        TRIXIE_TARGETS.map((t) => [`usr/bin/qemu-${t}-static`, `qemu-${t}`]),
      ),
      compression: "xz",
    });
    // trixie-security: a newer static qemu-user (xz), in the security pool.
    const securityUser = `pool/updates/main/q/qemu/${debName("qemu-user", TRIXIE_SECURITY_VERSION)}`;
    await buildDeb({
      work,
      out: join(root, securityUser),
      control: {
        Package: "qemu-user",
        Version: TRIXIE_SECURITY_VERSION,
        Provides: "qemu-user-static",
        Description: "QEMU user mode emulation (static binaries; qus test build)",
      },
      files: emulators(""),
      compression: "xz",
    });
    // trixie-backports: Debian's real qemu-user 11.1 (static emulators named qemu-<t>).
    const backportsDeb = generationDeb("trixie-backports");
    const backportsVersion = await controlField(backportsDeb, "Version");
    const backportsUser = `pool/main/q/qemu/${debName("qemu-user", backportsVersion)}`;
    await symlink(backportsDeb, join(root, backportsUser));
    // forky: an index without any qemu package.
    const dummy = `pool/main/q/qus-dummy/${debName("qus-dummy", "1.0-1")}`;
    await buildDeb({
      work,
      out: join(root, dummy),
      control: {
        Package: "qus-dummy",
        Version: "1.0-1",
        Description: "placeholder (qus test build)",
      },
      compression: "xz",
    });

    const publish = (
      dist: string,
      files: string[],
      extra: { byHash?: boolean; date?: string; validUntil?: string; into?: string } = {},
    ) =>
      publishDist({
        root: extra.into ?? root,
        work,
        dist,
        files,
        gnupgHome,
        signer,
        byHash: extra.byHash ?? false,
        date: extra.date,
        validUntil: extra.validUntil,
      });
    await publish("bookworm", [bookwormStatic, bookwormUser]);
    await publish("trixie", [trixieUser, trixieShim], { byHash: true });
    await publish("trixie-security", [securityUser], { byHash: true });
    await publish("trixie-backports", [backportsUser]);
    await publish("sid", [trixieUser, trixieShim], {
      date: "Sat, 25 Dec 2021 00:00:00 UTC",
      validUntil: EXPIRED_VALID_UNTIL,
    });
    await publish("forky", [dummy]);
    // The overlay's pool entries must exist for apt-ftparchive; it lists none.
    await mkdir(join(overlay, "pool"), { recursive: true });
    await publish("trixie-security", [], { byHash: true, into: overlay });

    const fixture: DebianMirrorFixture = {
      root,
      oldSecurityOverlay: overlay,
      trustedKeyring: join(keys, "trusted.gpg"),
      trustedKeyringArmoured: join(keys, "trusted.asc"),
      untrustedKeyring: join(keys, "untrusted.gpg"),
      bookwormStatic: await describeFile(root, bookwormStatic, "qemu-user-static", bookwormVersion),
      bookwormDynamicUser: await describeFile(root, bookwormUser, "qemu-user", bookwormVersion),
      trixieUser: await describeFile(root, trixieUser, "qemu-user", TRIXIE_VERSION),
      trixieTransitional: await describeFile(root, trixieShim, "qemu-user-static", TRIXIE_VERSION),
      trixieSecurityUser: await describeFile(
        root,
        securityUser,
        "qemu-user",
        TRIXIE_SECURITY_VERSION,
      ),
      trixieBackportsUser: await describeFile(root, backportsUser, "qemu-user", backportsVersion),
    };
    await writeFile(join(target, "fixture.json"), JSON.stringify(fixture, null, 2));
  } finally {
    await run("gpgconf", ["--homedir", gnupgHome, "--kill", "all"]).catch(() => undefined);
    await rm(gnupgHome, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}

async function cacheKey(): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(HERE));
  const deb = qemuDeb();
  const debStat = await stat(deb);
  hash.update(`${deb}:${debStat.size}:${debStat.mtimeMs}`);
  const backports = generationDeb("trixie-backports");
  const backportsStat = await stat(backports);
  hash.update(`${backports}:${backportsStat.size}:${backportsStat.mtimeMs}`);
  for (const target of TRIXIE_TARGETS) {
    const s = await stat(emulatorPath(target));
    hash.update(`${target}:${s.size}:${s.mtimeMs}`);
  }
  return hash.digest("hex").slice(0, 16);
}

// Builds made by an older version of this file are dead weight: remove those idle for an hour.
let built: Promise<DebianMirrorFixture> | undefined;

/**
 * Returns the fixture archive, building it the first time (about 10-20 s). Test files running
 * in parallel wait for one build. Throws a clear error when the real fixtures or tools are missing.
 */
export function debianMirror(): Promise<DebianMirrorFixture> {
  built ??= (async () => {
    for (const tool of ["dpkg-deb", "apt-ftparchive", "gpg", "gpgconf", "xz", "gzip"]) {
      await run("sh", ["-c", `command -v ${tool}`]).catch(() => {
        throw new Error(
          `the Debian mirror fixture needs ${tool} (apt-get install dpkg-dev apt-utils gnupg xz-utils)`,
        );
      });
    }
    const missing = TRIXIE_TARGETS.map((t) => emulatorPath(t)).filter((path) => !existsSync(path));
    if (missing.length > 0)
      throw new Error(
        `test fixtures missing: ${missing.join(", ")}; run scripts/setup.sh to fetch the real test fixtures`,
      );
    qemuDeb(); // throws naming the missing .deb
    generationDeb("trixie-backports");
    return buildFixtureOnce<DebianMirrorFixture>(
      "qus-debian-mirror-",
      await cacheKey(),
      buildInto,
      { waitMs: 5 * 60_000, staleLockMs: 10 * 60_000 },
    );
  })();
  return built;
}

/** A fault the server injects on requests whose path matches. */
export type Fault =
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "status";
      readonly status: number;
    }
  | { readonly path: RegExp; readonly times?: number; readonly kind: "delay"; readonly ms: number }
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "truncate";
      readonly afterBytes: number;
    }
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "stall";
      readonly afterBytes: number;
      readonly ms: number;
    }
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "flip";
      readonly offset: number;
    }
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "append";
      readonly bytes: number;
    }
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "replace";
      readonly from: string;
      readonly to: string;
    }
  /** Serve another file of the archive instead (e.g. another suite's signed InRelease). */
  | {
      readonly path: RegExp;
      readonly times?: number;
      readonly kind: "substitute";
      readonly file: string;
    };

/** One request as the server saw it. */
export interface LoggedRequest {
  readonly path: string;
  status: number;
  fault: Fault["kind"] | null;
}

/** A running fixture server. */
export interface MirrorServer {
  readonly url: string;
  readonly log: LoggedRequest[];
  /** Faults, applied in order; each with `times` is used up after that many requests. */
  faults: Fault[];
  /** A directory whose files take precedence over the root's (an older state of some dists). */
  overlay: string | null;
  /** Forget faults, overlay and the request log. */
  reset(): void;
  stop(): Promise<void>;
}

function fileUnder(base: string, urlPath: string): string | null {
  const path = resolve(base, `.${normalize(`/${urlPath}`)}`);
  return path === base || path.startsWith(`${base}${sep}`) ? path : null;
}

async function serve(
  server: MirrorServer & { uses: Map<Fault, number> },
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  const entry: LoggedRequest = { path: urlPath, status: 0, fault: null };
  server.log.push(entry);
  const fault = server.faults.find(
    (f) => f.path.test(urlPath) && (f.times === undefined || (server.uses.get(f) ?? 0) < f.times),
  );
  if (fault !== undefined) {
    server.uses.set(fault, (server.uses.get(fault) ?? 0) + 1);
    entry.fault = fault.kind;
  }
  if (fault?.kind === "status") {
    entry.status = fault.status;
    res.writeHead(fault.status, { "content-type": "text/plain" }).end(`injected ${fault.status}\n`);
    return;
  }
  if (fault?.kind === "delay") await sleep(fault.ms);
  let file: string | null = null;
  const wantedPath = fault?.kind === "substitute" ? `/${fault.file}` : urlPath;
  for (const base of [server.overlay, root]) {
    if (base === null) continue;
    const candidate = fileUnder(base, wantedPath);
    if (
      candidate !== null &&
      (await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      file = candidate;
      break;
    }
  }
  if (file === null) {
    entry.status = 404;
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  if (res.destroyed) return;
  if (fault?.kind === "replace") {
    const text = (await readFile(file, "utf8")).replace(fault.from, fault.to);
    entry.status = 200;
    res.writeHead(200, { "content-length": Buffer.byteLength(text) }).end(text);
    return;
  }
  const bytes = await servedBytes(file);
  const size = bytes.length;
  const extra = fault?.kind === "append" ? fault.bytes : 0;
  entry.status = 200;
  res.writeHead(200, {
    "content-length": size + extra,
    "content-type": "application/octet-stream",
  });
  let sent = 0;
  for (let at = 0; at < size; at += SERVED_CHUNK_BYTES) {
    let chunk = bytes.subarray(at, at + SERVED_CHUNK_BYTES);
    if (fault?.kind === "flip" && fault.offset >= sent && fault.offset < sent + chunk.length) {
      chunk = Buffer.from(chunk);
      chunk[fault.offset - sent] = (chunk[fault.offset - sent] as number) ^ 0xff;
    }
    if (
      (fault?.kind === "truncate" || fault?.kind === "stall") &&
      sent + chunk.length > fault.afterBytes
    ) {
      const head = chunk.subarray(0, Math.max(0, fault.afterBytes - sent));
      if (head.length > 0) res.write(head);
      sent += head.length;
      if (fault.kind === "truncate") {
        await new Promise((r) => setTimeout(r, 20));
        res.socket?.destroy();
        return;
      }
      await sleep(fault.ms);
      chunk = chunk.subarray(head.length);
    }
    if (res.destroyed) return;
    if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
    sent += chunk.length;
  }
  if (extra > 0) res.write(Buffer.alloc(extra, 0x41));
  res.end();
}

/**
 * Files the mirror has served, kept in memory as a web server's page cache keeps them (a real
 * mirror sends from there with sendfile): reading each request from disk in fresh buffers cost
 * the benchmarks' loopback downloads ~15% (the server shares the machine with qus). Keyed by path,
 * size and mtime, so a rewritten fixture is read again.
 */
const servedFiles = new Map<string, { key: string; bytes: Buffer }>();
const SERVED_CHUNK_BYTES = 1024 * 1024;

async function servedBytes(file: string): Promise<Buffer> {
  const info = await stat(file);
  const key = `${info.size}:${info.mtimeMs}:${info.ino}`;
  const known = servedFiles.get(file);
  if (known?.key === key) return known.bytes;
  const bytes = await readFile(file);
  servedFiles.set(file, { key, bytes });
  return bytes;
}

/** Serves a fixture tree on 127.0.0.1 at a random port (only `root` is read: the Debian archive or the Fedora repository). */
export async function startMirrorServer(fixture: { readonly root: string }): Promise<MirrorServer> {
  const state = {
    url: "",
    log: [] as LoggedRequest[],
    faults: [] as Fault[],
    overlay: null as string | null,
    uses: new Map<Fault, number>(),
    reset() {
      state.faults = [];
      state.overlay = null;
      state.log.length = 0;
      state.uses.clear();
    },
    stop: async (): Promise<void> => undefined,
  };
  // Requests arrive under /debian/, as on a real mirror; anything else is a 404.
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    if (!url.startsWith("/debian/")) {
      state.log.push({ path: url, status: 404, fault: null });
      res.writeHead(404).end();
      return;
    }
    req.url = url.slice("/debian".length);
    serve(state, fixture.root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/debian`;
  state.stop = () =>
    new Promise<void>((resolveStop) => {
      server.closeAllConnections();
      server.close(() => resolveStop());
    });
  return state;
}

/** Files (relative paths) under a directory, for "nothing was left behind" assertions. */
export async function listFiles(directory: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(directory, path));
    }
  };
  await walk(directory);
  return out.sort();
}

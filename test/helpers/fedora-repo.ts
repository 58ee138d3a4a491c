// A real Fedora-layout repository on loopback for the Fedora source's tests. The packages are
// REAL RPMs built with rpmbuild from the real QEMU emulators in the fixtures, named like Fedora's
// per-family subpackages, with zstd (one at level 19, as Fedora builds them), xz and gzip
// payloads, signed with rpmsign by a throwaway RSA key made in a temp GNUPGHOME; repodata
// (repomd.xml + primary.xml.{zst,gz,xz}) is written here. Every package is checked with
// `rpmkeys --checksig` against the throwaway key, so the fixtures are what rpm itself accepts,
// except where a test needs a defect. Layout: releases/<N>/Everything/x86_64/os/ and
// updates/<N>/Everything/x86_64/, with a newer build in updates/41. Releases 90-97 each hold one
// defective package for a refusal test. The build is cached in the temp directory, keyed by this
// file and its inputs. Served by the Debian fixture's HTTP server (fault injection, request log).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { bytesSource } from "../../src/sources/archive/byte-source.js";
import { readRpmLayout } from "../../src/sources/archive/rpm.js";
import { RpmTag, type RpmHeader } from "../../src/sources/archive/rpm-header.js";
import { startMirrorServer, type MirrorServer } from "./debian-mirror.js";
import { buildFixtureOnce } from "./fixture-build.js";
import { emulatorPath } from "./fixtures.js";

const run = promisify(execFile);
const HERE = fileURLToPath(import.meta.url);
const ARCH = "x86_64";

/** The release with good packages, and its versions. */
export const FEDORA_RELEASE = 41;
export const RELEASE_VERSION = "9.1.0-1.fc41";
export const UPDATE_VERSION = "9.1.2-3.fc41";

/** Releases holding one defective qemu-user-static-aarch64 each (only releases/, no updates/). */
export const REFUSAL_RELEASES = {
  unsigned: 90,
  otherKey: 91,
  headerModified: 92,
  payloadModified: 93,
  primaryMismatch: 94,
  v6: 95,
  bzip2Payload: 96,
  outsideUsrBin: 97,
} as const;

/** A package file in the repository. */
export interface PublishedRpm {
  readonly name: string;
  readonly version: string;
  /** Path relative to the mirror root. */
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
}

/** The built repository. */
export interface FedoraRepoFixture {
  /** The served directory (holds releases/ and updates/). */
  readonly root: string;
  /** The signing key, ASCII-armoured. */
  readonly trustedKey: string;
  /** An unrelated key. */
  readonly strangerKey: string;
  readonly releaseAarch64: PublishedRpm;
  readonly updateAarch64: PublishedRpm;
  readonly releasePpc: PublishedRpm;
  readonly releaseRiscv: PublishedRpm;
  /** Refusal release number -> its package. */
  readonly refusals: Readonly<Record<number, PublishedRpm>>;
}

interface BuiltRpm {
  readonly path: string;
  readonly name: string;
  readonly version: string;
  readonly release: string;
}

async function sha256Of(bytes: Uint8Array): Promise<string> {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Builds one binary RPM with rpmbuild holding `targets`' emulators as /usr/bin/qemu-<t>-static. */
async function rpmbuild(
  work: string,
  options: {
    family: string;
    targets: readonly string[];
    version: string;
    release: string;
    payload: string;
  },
): Promise<BuiltRpm> {
  const top = await mkdtemp(join(work, "rpmbuild-"));
  const sources = join(top, "SOURCES");
  await mkdir(sources, { recursive: true });
  const name = `qemu-user-static-${options.family}`;
  const install: string[] = ["mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib/binfmt.d"];
  const files: string[] = [];
  for (const target of options.targets) {
    await copyFile(emulatorPath(target), join(sources, `qemu-${target}-static`));
    install.push(
      `install -m 0755 %{_sourcedir}/qemu-${target}-static %{buildroot}/usr/bin/qemu-${target}-static`,
    );
    install.push(
      `echo ':qemu-${target}:M::\\x7fELF:\\xff:/usr/bin/qemu-${target}-static:F' > %{buildroot}/usr/lib/binfmt.d/qemu-${target}-static.conf`,
    );
    files.push(`/usr/bin/qemu-${target}-static`, `/usr/lib/binfmt.d/qemu-${target}-static.conf`);
  }
  const spec = [
    `Name: ${name}`,
    `Version: ${options.version}`,
    `Release: ${options.release}`,
    `Summary: QEMU user mode emulation of ${options.family} binaries (qus test build)`,
    "License: GPL-2.0-or-later",
    "AutoReqProv: no",
    "%description",
    "Static QEMU user mode emulators, packaged like Fedora's subpackage for the qus tests.",
    "%install",
    ...install,
    "%files",
    ...files,
    "",
  ].join("\n");
  await writeFile(join(top, "package.spec"), spec);
  const out = join(top, "out");
  await run(
    "rpmbuild",
    [
      "-bb",
      "--quiet",
      "--target",
      ARCH,
      "--define",
      `_topdir ${top}`,
      "--define",
      `_sourcedir ${sources}`,
      "--define",
      `_rpmdir ${out}`,
      "--define",
      "_rpmfilename %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm",
      "--define",
      `_binary_payload ${options.payload}`,
      "--define",
      "debug_package %{nil}",
      "--define",
      "__os_install_post %{nil}",
      "--define",
      "_build_id_links none",
      join(top, "package.spec"),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const path = join(
    work,
    `${name}-${options.version}-${options.release}.${ARCH}.rpm.${basename(top)}`,
  );
  await rename(join(out, `${name}-${options.version}-${options.release}.${ARCH}.rpm`), path);
  await rm(top, { recursive: true, force: true });
  return { path, name, version: options.version, release: options.release };
}

async function gpg(home: string, args: string[]): Promise<string> {
  const { stdout } = await run("gpg", ["--homedir", home, "--batch", "--no-tty", ...args], {
    maxBuffer: 16 * 1024 * 1024,
    encoding: "utf8",
  });
  return stdout;
}

async function sign(path: string, gnupgHome: string, uid: string): Promise<void> {
  await run(
    "rpmsign",
    [
      "--addsign",
      "--define",
      `_gpg_name ${uid}`,
      "--define",
      "__gpg /usr/bin/gpg",
      "--define",
      `_gpg_path ${gnupgHome}`,
      path,
    ],
    {
      env: { ...process.env, GNUPGHOME: gnupgHome },
    },
  );
}

/** rpm's own verdict on a package, with the throwaway key imported into a private rpmdb. */
async function rpmCheck(path: string, dbpath: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run("rpmkeys", ["--dbpath", dbpath, "--checksig", "-v", path], {
      encoding: "utf8",
    });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

function dataOffset(header: RpmHeader, tag: number): number | undefined {
  const entry = header.entries.get(tag);
  return entry === undefined
    ? undefined
    : header.start + 16 + 16 * header.entries.size + entry.offset;
}

/** Writes a cpio newc archive (as rpm writes payloads) of `members`. */
function cpioNewc(
  members: ReadonlyArray<{ path: string; mode: number; data: Uint8Array }>,
): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const field = (n: number) => n.toString(16).padStart(8, "0");
  let ino = 1;
  for (const m of [...members, { path: "TRAILER!!!", mode: 0, data: new Uint8Array(0) }]) {
    const name = Buffer.from(`${m.path}\0`);
    const header = `070701${[m.path === "TRAILER!!!" ? 0 : ino++, m.mode, 0, 0, 1, 0, m.data.length, 0, 0, 0, 0, name.length, 0].map(field).join("")}`;
    parts.push(
      Buffer.from(header, "latin1"),
      name,
      pad(110 + name.length),
      Buffer.from(m.data),
      pad(m.data.length),
    );
  }
  return Buffer.concat(parts);
}

/**
 * Replaces an unsigned package's payload with `payload` (compressed the same way) and fixes
 * every digest and size rpm records for it, in place (the fields keep their lengths), so the
 * result is a consistent package rpm accepts once signed.
 */
async function replacePayload(
  path: string,
  uncompressed: Buffer,
  compressed: Buffer,
): Promise<void> {
  const file = Buffer.from(await readFile(path));
  const layout = await readRpmLayout(bytesSource(file));
  const header = Buffer.from(file.subarray(layout.header.start, layout.payloadOffset));
  const out = Buffer.concat([file.subarray(0, layout.payloadOffset), compressed]);
  const setHex = (offset: number | undefined, hex: string) => {
    if (offset !== undefined) out.write(hex, offset, "latin1");
  };
  // Main header: the payload digests (compressed and uncompressed).
  setHex(dataOffset(layout.header, RpmTag.PAYLOADDIGEST), await sha256Of(compressed));
  setHex(dataOffset(layout.header, 5097), await sha256Of(uncompressed));
  const newHeader = out.subarray(layout.header.start, layout.payloadOffset);
  if (newHeader.length !== header.length) throw new Error("header size changed");
  // Signature header: header digests, MD5 and sizes of header+payload.
  setHex(dataOffset(layout.signature, RpmTag.SHA256HEADER), await sha256Of(newHeader));
  setHex(
    dataOffset(layout.signature, RpmTag.SHA1HEADER),
    createHash("sha1").update(newHeader).digest("hex"),
  );
  const md5 = dataOffset(layout.signature, 1004);
  if (md5 !== undefined)
    createHash("md5").update(newHeader).update(compressed).digest().copy(out, md5);
  const size = dataOffset(layout.signature, 1000);
  if (size !== undefined) out.writeUInt32BE(newHeader.length + compressed.length, size);
  const payloadSize = dataOffset(layout.signature, 1007);
  if (payloadSize !== undefined) out.writeUInt32BE(uncompressed.length, payloadSize);
  await writeFile(path, out);
}

async function describe(
  root: string,
  filename: string,
  name: string,
  version: string,
): Promise<PublishedRpm> {
  const bytes = await readFile(join(root, filename));
  return { name, version, filename, size: bytes.length, sha256: await sha256Of(bytes) };
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

interface PrimaryEntry {
  readonly name: string;
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
  readonly sha256: string;
  readonly size: number;
  readonly href: string;
}

function primaryXml(entries: readonly PrimaryEntry[]): string {
  const blocks = entries.map((e) =>
    [
      '<package type="rpm">',
      `  <name>${xmlEscape(e.name)}</name>`,
      `  <arch>${ARCH}</arch>`,
      `  <version epoch="${e.epoch}" ver="${xmlEscape(e.version)}" rel="${xmlEscape(e.release)}"/>`,
      `  <checksum type="sha256" pkgid="YES">${e.sha256}</checksum>`,
      `  <summary>${xmlEscape(`${e.name} (qus test build) <&>`)}</summary>`,
      `  <description>Packaged for the qus tests.</description>`,
      `  <packager>Fedora Project</packager>`,
      `  <size package="${e.size}" installed="${e.size * 3}" archive="${e.size * 3}"/>`,
      `  <location href="${xmlEscape(e.href)}"/>`,
      "  <format><rpm:license>GPL-2.0-or-later</rpm:license></format>",
      "</package>",
    ].join("\n"),
  );
  const decoys = ["bash", "qemu-user-static", "qemu-user-static-aarch64-debuginfo"].map(
    (name) =>
      `<package type="rpm"><name>${name}</name><arch>${ARCH}</arch><version epoch="0" ver="99" rel="1.fc41"/><checksum type="sha256" pkgid="YES">${"0".repeat(64)}</checksum><size package="1"/><location href="Packages/${name[0]}/${name}-99-1.fc41.${ARCH}.rpm"/></package>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${entries.length + decoys.length}">\n${[...decoys.slice(0, 1), ...blocks, ...decoys.slice(1)].join("\n")}\n</metadata>\n`;
}

/** Writes repodata for `rpms` (already placed under repoDir/Packages/q/) and any extra entries. */
async function writeRepodata(options: {
  readonly repoDir: string;
  readonly rpms: readonly BuiltRpm[];
  readonly extra?: readonly PrimaryEntry[];
  readonly compression: "zst" | "gz" | "xz";
  /** Write a wrong checksum for the primary into repomd.xml. */
  readonly wrongChecksum?: boolean;
}): Promise<void> {
  const entries: PrimaryEntry[] = [...(options.extra ?? [])];
  for (const rpm of options.rpms) {
    const href = `Packages/q/${rpm.name}-${rpm.version}-${rpm.release}.${ARCH}.rpm`;
    const bytes = await readFile(join(options.repoDir, href));
    entries.push({
      name: rpm.name,
      epoch: 0,
      version: rpm.version,
      release: rpm.release,
      sha256: await sha256Of(bytes),
      size: bytes.length,
      href,
    });
  }
  const xml = Buffer.from(primaryXml(entries));
  const repodata = join(options.repoDir, "repodata");
  await mkdir(repodata, { recursive: true });
  const plain = join(repodata, "primary.xml");
  await writeFile(plain, xml);
  let compressed: Buffer;
  if (options.compression === "gz") compressed = gzipSync(xml);
  else {
    const tool =
      options.compression === "zst"
        ? ["zstd", ["-19", "-q", "-f", "--rm", plain]]
        : ["xz", ["-9", "-f", plain]];
    await run(tool[0] as string, tool[1] as string[]);
    compressed = await readFile(`${plain}.${options.compression}`);
    await rm(`${plain}.${options.compression}`);
  }
  await rm(plain, { force: true });
  const digest = await sha256Of(compressed);
  const name = `${digest}-primary.xml.${options.compression}`;
  await writeFile(join(repodata, name), compressed);
  const listed =
    options.wrongChecksum === true
      ? await sha256Of(Buffer.concat([compressed, Buffer.from("x")]))
      : digest;
  const repomd = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    "  <revision>1730000000</revision>",
    '  <data type="filelists">',
    `    <checksum type="sha256">${"1".repeat(64)}</checksum>`,
    `    <location href="repodata/${"1".repeat(64)}-filelists.xml.zst"/>`,
    "    <size>10</size>",
    "  </data>",
    '  <data type="primary">',
    `    <checksum type="sha256">${listed}</checksum>`,
    `    <open-checksum type="sha256">${await sha256Of(xml)}</open-checksum>`,
    `    <location href="repodata/${name}"/>`,
    "    <timestamp>1730000000</timestamp>",
    `    <size>${compressed.length}</size>`,
    `    <open-size>${xml.length}</open-size>`,
    "  </data>",
    "</repomd>",
    "",
  ].join("\n");
  await writeFile(join(repodata, "repomd.xml"), repomd);
}

async function place(rpm: BuiltRpm, repoDir: string, copy = false): Promise<string> {
  const dir = join(repoDir, "Packages", "q");
  await mkdir(dir, { recursive: true });
  const target = join(dir, `${rpm.name}-${rpm.version}-${rpm.release}.${ARCH}.rpm`);
  if (copy) await copyFile(rpm.path, target);
  else await rename(rpm.path, target);
  return target;
}

function releaseDir(root: string, release: number): string {
  return join(root, "releases", String(release), "Everything", ARCH, "os");
}

async function buildInto(target: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "qus-fedora-work-"));
  const gnupgHome = await mkdtemp(join(tmpdir(), "qus-gpg-"));
  try {
    await chmod(gnupgHome, 0o700);
    const root = join(target, "mirror");
    const keys = join(target, "keys");
    await mkdir(keys, { recursive: true });
    const signer = "qus test fedora <qus-fedora@example.invalid>";
    const stranger = "someone else <someone-else@example.invalid>";
    for (const uid of [signer, stranger])
      await gpg(gnupgHome, [
        "--passphrase",
        "",
        "--quick-gen-key",
        uid,
        "rsa2048",
        "sign",
        "never",
      ]);
    await writeFile(
      join(keys, "trusted.asc"),
      await gpg(gnupgHome, ["--armor", "--export", signer]),
    );
    await writeFile(
      join(keys, "stranger.asc"),
      await gpg(gnupgHome, ["--armor", "--export", stranger]),
    );
    const dbpath = join(work, "rpmdb");
    await mkdir(dbpath);
    await run("rpmkeys", ["--dbpath", dbpath, "--import", join(keys, "trusted.asc")]);
    const mustPass = async (path: string) => {
      const check = await rpmCheck(path, dbpath);
      if (!check.ok || check.output.includes("NOKEY"))
        throw new Error(`rpmkeys rejects the fixture ${path}:\n${check.output}`);
    };

    // releases/41: aarch64 (older), ppc (xz), riscv (zstd level 19, as Fedora builds); updates/41: newer aarch64.
    const [releaseVer, releaseRel] = RELEASE_VERSION.split("-") as [string, string];
    const [updateVer, updateRel] = UPDATE_VERSION.split("-") as [string, string];
    const release41 = releaseDir(root, FEDORA_RELEASE);
    const updates41 = join(root, "updates", String(FEDORA_RELEASE), "Everything", ARCH);
    const releaseAarch64 = await rpmbuild(work, {
      family: "aarch64",
      targets: ["aarch64", "aarch64_be"],
      version: releaseVer,
      release: releaseRel,
      payload: "w3.zstdio",
    });
    const releasePpc = await rpmbuild(work, {
      family: "ppc",
      targets: ["ppc64le", "ppc64"],
      version: releaseVer,
      release: releaseRel,
      payload: "w1.xzdio",
    });
    const releaseRiscv = await rpmbuild(work, {
      family: "riscv",
      targets: ["riscv64"],
      version: releaseVer,
      release: releaseRel,
      payload: "w19.zstdio",
    });
    const updateAarch64 = await rpmbuild(work, {
      family: "aarch64",
      targets: ["aarch64", "aarch64_be"],
      version: updateVer,
      release: updateRel,
      payload: "w3.zstdio",
    });
    for (const rpm of [releaseAarch64, releasePpc, releaseRiscv, updateAarch64]) {
      await sign(rpm.path, gnupgHome, signer);
      await mustPass(rpm.path);
    }
    for (const rpm of [releaseAarch64, releasePpc, releaseRiscv]) await place(rpm, release41);
    await place(updateAarch64, updates41);
    // An older build whose file is gone: choosing it instead of the newest would fail with a 404.
    const stale: PrimaryEntry = {
      name: "qemu-user-static-aarch64",
      epoch: 0,
      version: "8.2.0",
      release: "1.fc41",
      sha256: "2".repeat(64),
      size: 1000,
      href: `Packages/q/qemu-user-static-aarch64-8.2.0-1.fc41.${ARCH}.rpm`,
    };
    await writeRepodata({
      repoDir: release41,
      rpms: [releaseAarch64, releasePpc, releaseRiscv],
      extra: [stale],
      compression: "zst",
    });
    await writeRepodata({ repoDir: updates41, rpms: [updateAarch64], compression: "gz" });

    // The refusals: one defective aarch64 package per release.
    const base = await rpmbuild(work, {
      family: "aarch64",
      targets: ["aarch64"],
      version: releaseVer,
      release: releaseRel,
      payload: "w3.zstdio",
    });
    const refusals: Record<number, BuiltRpm> = {};
    const variant = async (
      release: number,
      make: (path: string) => Promise<void>,
      from: BuiltRpm = base,
    ): Promise<void> => {
      const path = join(work, `variant-${release}.rpm`);
      await copyFile(from.path, path);
      await make(path);
      refusals[release] = { ...from, path };
    };
    const R = REFUSAL_RELEASES;
    await variant(R.unsigned, async () => undefined);
    await variant(R.otherKey, (path) => sign(path, gnupgHome, stranger));
    await variant(R.headerModified, async (path) => {
      await sign(path, gnupgHome, signer);
      const bytes = await readFile(path);
      const at = bytes.indexOf("qus test build");
      if (at < 0) throw new Error("no summary to modify");
      bytes.write("qus TEST build", at, "latin1");
      await writeFile(path, bytes);
    });
    await variant(R.payloadModified, async (path) => {
      await sign(path, gnupgHome, signer);
      const bytes = await readFile(path);
      const i = bytes.length - 4096;
      bytes[i] = (bytes[i] as number) ^ 0x01;
      await writeFile(path, bytes);
    });
    await variant(R.primaryMismatch, async (path) => {
      await sign(path, gnupgHome, signer);
      await mustPass(path);
    });
    await variant(R.v6, async (path) => {
      await sign(path, gnupgHome, signer);
      const bytes = await readFile(path);
      bytes[4] = 4; // the lead's major version: 4 marks an RPM v6 package
      await writeFile(path, bytes);
    });
    const bzip2 = await rpmbuild(work, {
      family: "aarch64",
      targets: ["aarch64"],
      version: releaseVer,
      release: releaseRel,
      payload: "w1.bzdio",
    });
    await variant(
      R.bzip2Payload,
      async (path) => {
        await sign(path, gnupgHome, signer);
        await mustPass(path);
      },
      bzip2,
    );
    await variant(R.outsideUsrBin, async (path) => {
      const emulator = await readFile(emulatorPath("aarch64"));
      const payload = cpioNewc([
        { path: "./usr/bin/qemu-aarch64-static", mode: 0o100755, data: emulator },
        {
          path: "./usr/bin/../../../tmp/qus-evil",
          mode: 0o100755,
          data: Buffer.from("#!/bin/sh\necho owned\n"),
        },
      ]);
      const raw = join(work, "evil.cpio");
      await writeFile(raw, payload);
      await run("zstd", ["-3", "-q", "-f", raw, "-o", `${raw}.zst`]);
      await replacePayload(path, payload, await readFile(`${raw}.zst`));
      await sign(path, gnupgHome, signer);
      await mustPass(path);
    });
    for (const [release, rpm] of Object.entries(refusals)) {
      const dir = releaseDir(root, Number(release));
      await place(rpm, dir);
      await writeRepodata({
        repoDir: dir,
        rpms: [rpm],
        compression: "xz",
        wrongChecksum: Number(release) === R.primaryMismatch,
      });
    }

    const fileOf = (release: string, rpm: BuiltRpm, dir = "releases") =>
      `${dir}/${release}/Everything/${ARCH}${dir === "releases" ? "/os" : ""}/Packages/q/${rpm.name}-${rpm.version}-${rpm.release}.${ARCH}.rpm`;
    const published = async (rpm: BuiltRpm, release: number, dir = "releases") =>
      describe(root, fileOf(String(release), rpm, dir), rpm.name, `${rpm.version}-${rpm.release}`);
    const fixture: FedoraRepoFixture = {
      root,
      trustedKey: join(keys, "trusted.asc"),
      strangerKey: join(keys, "stranger.asc"),
      releaseAarch64: await published(releaseAarch64, FEDORA_RELEASE),
      updateAarch64: await published(updateAarch64, FEDORA_RELEASE, "updates"),
      releasePpc: await published(releasePpc, FEDORA_RELEASE),
      releaseRiscv: await published(releaseRiscv, FEDORA_RELEASE),
      refusals: Object.fromEntries(
        await Promise.all(
          Object.entries(refusals).map(async ([release, rpm]) => [
            release,
            await published(rpm, Number(release)),
          ]),
        ),
      ),
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
  for (const target of ["aarch64", "aarch64_be", "ppc64le", "ppc64", "riscv64"]) {
    const s = await stat(emulatorPath(target));
    hash.update(`${target}:${s.size}:${s.mtimeMs}`);
  }
  return hash.digest("hex").slice(0, 16);
}

let built: Promise<FedoraRepoFixture> | undefined;

/**
 * Returns the fixture repository, building it the first time (about a minute on 2 cores; the
 * level-19 zstd package dominates). Test files running in parallel wait for one build. Throws a
 * clear error when the real fixtures or tools are missing.
 */
export function fedoraRepo(): Promise<FedoraRepoFixture> {
  built ??= (async () => {
    for (const tool of ["rpmbuild", "rpmsign", "rpmkeys", "gpg", "gpgconf", "zstd", "xz"]) {
      await run("sh", ["-c", `command -v ${tool}`]).catch(() => {
        throw new Error(
          `the Fedora repository fixture needs ${tool} (apt-get install rpm gnupg zstd xz-utils, or run scripts/setup.sh)`,
        );
      });
    }
    for (const target of ["aarch64", "aarch64_be", "ppc64le", "ppc64", "riscv64"]) {
      if (!existsSync(emulatorPath(target)))
        throw new Error(`test fixture missing: ${emulatorPath(target)}; run scripts/setup.sh`);
    }
    return buildFixtureOnce<FedoraRepoFixture>("qus-fedora-repo-", await cacheKey(), buildInto, {
      waitMs: 10 * 60_000,
      staleLockMs: 15 * 60_000,
    });
  })();
  return built;
}

// Builds made by an older version of this file are dead weight: remove those idle for an hour.
/** Serves the fixture repository on 127.0.0.1 (the Debian fixture's server: same faults and request log). */
export function startFedoraServer(fixture: FedoraRepoFixture): Promise<MirrorServer> {
  return startMirrorServer(fixture);
}

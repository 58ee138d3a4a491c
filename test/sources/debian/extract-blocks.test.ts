// Extraction by jumping between xz blocks, end to end on packages built here (many small xz
// blocks, md5sums written or falsified, sorted or not) and on the real bookworm package: the
// same bytes as decoding from the start, or a fall back to it whenever the search cannot be
// trusted; the same errors; nothing left running or half-written.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { describeHost } from "../../../src/catalog/host.js";
import { SourceError } from "../../../src/errors.js";
import { sha256File } from "../../../src/files/hash.js";
import { BlobCache } from "../../../src/sources/cache.js";
import { extractEmulators, type WantedMember } from "../../../src/sources/debian/extract.js";
import { testProgramFor } from "../../../src/verify/test-programs.js";
import { emulatorPath, qemuDeb } from "../../helpers/fixtures.js";
import { tempDirs } from "../temp-dirs.js";

const makeDir = tempDirs();
const HOST = describeHost("x86_64");
const NAMES = Array.from({ length: 40 }, (_, i) => `emu${String(i).padStart(2, "0")}`);
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A static x86-64 program padded with random bytes: passes the emulator check. */
function fakeEmulator(size: number): Buffer {
  return Buffer.concat([Buffer.from(testProgramFor("x86_64") as Uint8Array), randomBytes(size)]);
}

interface PackageSpec {
  readonly files: ReadonlyMap<string, Buffer>;
  readonly links?: ReadonlyMap<string, string>;
  /** Tar member order (default: sorted by path, as dpkg-deb writes it). */
  readonly order?: "sorted" | "reversed";
  /** xz block size (default 256 KiB); "one" makes a single-block stream. */
  readonly blocks?: number | "one";
  /** md5sums lines to write instead of the true ones; null: no md5sums at all. */
  readonly md5sums?: ReadonlyMap<string, string> | null;
}

/** Builds a .deb with ar, tar and xz, as dpkg-deb lays it out; returns its path. */
async function buildPackage(spec: PackageSpec): Promise<string> {
  const dir = await makeDir("qus-blocks-deb-");
  const tree = join(dir, "tree");
  for (const [path, bytes] of spec.files) {
    await mkdir(dirname(join(tree, path)), { recursive: true });
    await writeFile(join(tree, path), bytes, { mode: 0o755 });
  }
  for (const [path, target] of spec.links ?? []) {
    await mkdir(dirname(join(tree, path)), { recursive: true });
    await symlink(target, join(tree, path));
  }
  const listing = execFileSync("find", [".", "-mindepth", "1"], { cwd: tree, encoding: "utf8" })
    .trim()
    .split("\n")
    .sort();
  const members = ["./", ...listing.map((p) => (p.endsWith("/") ? p : p))];
  if (spec.order === "reversed") members.reverse();
  await writeFile(join(dir, "members"), members.join("\n"));
  execFileSync("tar", [
    "-cf",
    join(dir, "data.tar"),
    "--format=gnu",
    "--owner=0",
    "--group=0",
    "--no-recursion",
    "-C",
    tree,
    "-T",
    join(dir, "members"),
  ]);
  const xzArgs =
    spec.blocks === "one" ? ["-T1"] : ["-T2", `--block-size=${spec.blocks ?? 256 * 1024}`];
  execFileSync("xz", ["-0", ...xzArgs, join(dir, "data.tar")]);
  const control = join(dir, "control");
  await mkdir(control);
  await writeFile(join(control, "control"), "Package: qus-test\nVersion: 1\nArchitecture: amd64\n");
  const sums =
    spec.md5sums === undefined
      ? new Map([...spec.files].map(([path, bytes]) => [path, md5(bytes)]))
      : spec.md5sums;
  if (sums !== null)
    await writeFile(
      join(control, "md5sums"),
      [...sums].map(([path, sum]) => `${sum}  ${path}\n`).join(""),
    );
  execFileSync("tar", ["-cJf", join(dir, "control.tar.xz"), "--format=gnu", "-C", control, "."]);
  await writeFile(join(dir, "debian-binary"), "2.0\n");
  execFileSync(
    "ar",
    ["rcD", join(dir, "pkg.deb"), "debian-binary", "control.tar.xz", "data.tar.xz"],
    { cwd: dir },
  );
  return join(dir, "pkg.deb");
}

const wantedOf = (names: readonly string[]): WantedMember[] =>
  names.map((n) => ({ emulator: `qemu-${n}`, member: `usr/bin/${n}` }));

async function extract(
  deb: string,
  names: readonly string[],
  options: { system?: boolean; byBlocks?: boolean } = {},
) {
  const cacheDir = await makeDir("qus-blocks-cache-");
  const result = await extractEmulators(deb, wantedOf(names), new BlobCache(cacheDir), {
    host: HOST,
    where: "test package",
    decompress: { useSystemTools: options.system ?? true },
    byBlocks: options.byBlocks,
  });
  return { ...result, cacheDir };
}

/** Child processes of this test process still alive (an xz left running would show here). */
function children(): number[] {
  return readdirSync(`/proc/${process.pid}/task`)
    .flatMap((tid) =>
      readFileSync(`/proc/${process.pid}/task/${tid}/children`, "utf8")
        .split(" ")
        .filter((p) => p.trim() !== ""),
    )
    .map(Number);
}

let files: Map<string, Buffer>;
let sorted: string;
beforeAll(async () => {
  // 40 members of 100-300 KiB in 256 KiB xz blocks: about 8 MB of tar in 30 blocks.
  files = new Map(
    NAMES.map((name, i) => [
      `usr/bin/${name}`,
      fakeEmulator(100 * 1024 + ((i * 7919) % 200) * 1024),
    ]),
  );
  files.set("usr/share/doc/qus-test/copyright", Buffer.from("public domain\n"));
  sorted = await buildPackage({ files });
});

describe("extraction by xz blocks", () => {
  // How much is decoded depends on which decoder gets ahead (block-search.test.ts measures the
  // search itself); what must hold every time: the bytes, the search succeeding, no leftovers.
  test.each([true, false])(
    "a sorted multi-block package (system xz: %s): the same bytes as reading from the start, nothing left running",
    async (system) => {
      const names = ["emu03", "emu17", "emu36"];
      const { blobs, stats, cacheDir } = await extract(sorted, names, { system });
      for (const name of names)
        expect(blobs.get(`qemu-${name}`)?.sha256).toBe(
          sha256(files.get(`usr/bin/${name}`) as Buffer),
        );
      expect(stats.blocksNotUsed).toBeUndefined();
      expect(stats.blockRuns).toBeGreaterThan(0);
      expect(stats.decoder).toEqual(
        system ? expect.stringMatching(/\/xz$/) : "xz-decompress (WebAssembly)",
      );
      const stream = await extract(sorted, names, { system, byBlocks: false });
      expect(stream.stats).toMatchObject({ blockRuns: 0, blocksNotUsed: "turned off" });
      const digests = (found: ReadonlyMap<string, { sha256: string }>) =>
        [...found].map(([name, blob]) => [name, blob.sha256]).sort();
      expect(digests(stream.blobs)).toEqual(digests(blobs));
      expect((await readdir(join(cacheDir, "sha256"))).sort()).toEqual(
        [...blobs.values()].map((b) => b.sha256).sort(),
      );
      expect(children()).toEqual([]);
    },
  );

  test("a member in the last block and one in the first, one at a time", async () => {
    for (const name of ["emu39", "emu00"]) {
      const { blobs } = await extract(sorted, [name]);
      expect(blobs.get(`qemu-${name}`)?.sha256).toBe(
        sha256(files.get(`usr/bin/${name}`) as Buffer),
      );
    }
  });

  test("an archive not sorted by path: still the right bytes (found, or read from the start)", async () => {
    const deb = await buildPackage({ files, order: "reversed" });
    const names = ["emu01", "emu12", "emu22"];
    for (const system of [true, false]) {
      const { blobs, stats } = await extract(deb, names, { system });
      for (const name of names)
        expect(blobs.get(`qemu-${name}`)?.sha256).toBe(
          sha256(files.get(`usr/bin/${name}`) as Buffer),
        );
      if (stats.blockRuns === 0) expect(stats.blocksNotUsed).toMatch(/^gave up: /);
    }
    expect(children()).toEqual([]);
  });

  test("md5sums that do not match, or none, or a single xz block: read from the start, the right bytes", async () => {
    const lying = new Map(
      [...files].map(([path, bytes]) => [
        path,
        path.endsWith("emu09") ? "0".repeat(32) : md5(bytes),
      ]),
    );
    const cases = [
      [{ md5sums: lying }, /^gave up: usr\/bin\/emu09 found mid-archive does not match md5sums$/],
      [{ md5sums: null }, /^no md5sums$/],
      [
        { md5sums: new Map([["usr/bin/emu03", md5(files.get("usr/bin/emu03") as Buffer)]]) },
        /^md5sums does not list usr\/bin\/emu09$/,
      ],
      [{ blocks: "one" as const }, /^one xz block$/],
    ] as const;
    for (const [spec, why] of cases) {
      const deb = await buildPackage({ files, ...spec });
      const { blobs, stats } = await extract(deb, ["emu03", "emu09"]);
      expect(stats.blockRuns).toBe(0);
      expect(stats.blocksNotUsed).toMatch(why);
      expect(blobs.get("qemu-emu09")?.sha256).toBe(sha256(files.get("usr/bin/emu09") as Buffer));
    }
    expect(children()).toEqual([]);
  });

  test("a wanted path that is a link, or missing, gets the same error as reading from the start", async () => {
    const sums = new Map([...files].map(([path, bytes]) => [path, md5(bytes)]));
    sums.set("usr/bin/emu99", "1".repeat(32));
    sums.set("usr/bin/linked", "2".repeat(32));
    const deb = await buildPackage({
      files,
      links: new Map([["usr/bin/linked", "emu01"]]),
      md5sums: sums,
    });
    for (const names of [
      ["emu02", "linked"],
      ["emu02", "emu99"],
    ]) {
      const viaBlocks = await extract(deb, names).catch((e: unknown) => e);
      const fromStart = await extract(deb, names, { byBlocks: false }).catch((e: unknown) => e);
      expect(viaBlocks).toBeInstanceOf(SourceError);
      expect((viaBlocks as Error).message).toBe((fromStart as Error).message);
    }
    expect(children()).toEqual([]);
  });

  test("a member found mid-archive that is not a static program for this host is refused as before", async () => {
    const broken = new Map(files);
    broken.set("usr/bin/emu14", randomBytes(90 * 1024));
    const deb = await buildPackage({ files: broken });
    const viaBlocks = await extract(deb, ["emu14"]).catch((e: unknown) => e);
    const fromStart = await extract(deb, ["emu14"], { byBlocks: false }).catch((e: unknown) => e);
    expect(viaBlocks).toBeInstanceOf(SourceError);
    // The message names the temporary file, different in each cache.
    const withoutTemp = (error: unknown) =>
      (error as Error).message.replace(/\/\S+\/\.tmp-\S+/, "TEMP");
    expect(withoutTemp(viaBlocks)).toBe(withoutTemp(fromStart));
    expect(withoutTemp(viaBlocks)).toMatch(
      /^Emulator \/usr\/bin\/emu14 from test package TEMP is not a usable ELF executable/,
    );
  });

  test("the real bookworm package: five targets, both decoders", async () => {
    const targets = ["aarch64", "arm", "riscv64", "ppc64le", "s390x"];
    const wanted = targets.map((t) => ({
      emulator: `qemu-${t}`,
      member: `usr/bin/qemu-${t}-static`,
    }));
    for (const useSystemTools of [true, false]) {
      const { blobs, stats } = await extractEmulators(
        qemuDeb(),
        wanted,
        new BlobCache(await makeDir("qus-blocks-real-")),
        {
          host: HOST,
          where: "bookworm deb",
          decompress: { useSystemTools },
        },
      );
      for (const t of targets)
        expect(blobs.get(`qemu-${t}`)?.sha256).toBe((await sha256File(emulatorPath(t))).sha256);
      expect(stats.blockRuns).toBeGreaterThan(1);
    }
    expect(children()).toEqual([]);
  });
});

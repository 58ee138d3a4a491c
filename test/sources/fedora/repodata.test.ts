// repomd.xml and primary.xml scraping, the family map, and the real fixture repodata.
import { createReadStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { TARGETS } from "../../../src/catalog/targets.js";
import { decompress } from "../../../src/sources/archive/decompress.js";
import {
  FEDORA_FAMILIES,
  fedoraArchitecture,
  fedoraPackageFor,
} from "../../../src/sources/fedora/families.js";
import { findPrimaryPackages, PrimaryFormatError } from "../../../src/sources/fedora/primary.js";
import { parseRepomd, RepomdFormatError } from "../../../src/sources/fedora/repomd.js";
import { sniffCompression } from "../../../src/sources/fedora/verify-package.js";
import { fedoraRepo, UPDATE_VERSION, type FedoraRepoFixture } from "../../helpers/fedora-repo.js";

let repo: FedoraRepoFixture;
beforeAll(async () => {
  repo = await fedoraRepo();
}, 300_000);

async function* chunks(text: string, size = 13): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const HASH = "a".repeat(64);
const entry = (name: string, extra = "") =>
  `<package type="rpm"><name>${name}</name><arch>x86_64</arch><version epoch="0" ver="9.1.2" rel="3.fc41"/><checksum type="sha256" pkgid="YES">${HASH}</checksum><size package="123" installed="1"/><location href="Packages/q/${name}-9.1.2-3.fc41.x86_64.rpm"${extra}/><description>a &lt;b&gt; &amp; ü</description></package>`;
const primary = (...blocks: string[]) =>
  `<?xml version="1.0"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" packages="${blocks.length}">\n${blocks.join("\n")}\n</metadata>\n`;

describe("primary.xml", () => {
  test("finds only the wanted names, across chunk boundaries (multi-byte characters too)", async () => {
    const text = primary(
      entry("bash"),
      entry("qemu-user-static-aarch64"),
      entry("qemu-user-static-ppc"),
      entry("qemu-user-static"),
    );
    for (const size of [1, 7, 64, 100_000]) {
      const found = await findPrimaryPackages(
        chunks(text, size),
        new Set(["qemu-user-static-aarch64", "qemu-user-static-ppc"]),
      );
      expect(found).toEqual([
        {
          name: "qemu-user-static-aarch64",
          arch: "x86_64",
          evr: { epoch: 0, version: "9.1.2", release: "3.fc41" },
          sha256: HASH,
          size: 123,
          href: "Packages/q/qemu-user-static-aarch64-9.1.2-3.fc41.x86_64.rpm",
        },
        expect.objectContaining({ name: "qemu-user-static-ppc" }),
      ]);
    }
  });

  test("unsafe locations, xml:base and truncated or foreign input are refused", async () => {
    const wanted = new Set(["q"]);
    const unsafe = entry("q").replace(/href="[^"]*"/, 'href="../../etc/q.rpm"');
    await expect(findPrimaryPackages(chunks(primary(unsafe)), wanted)).rejects.toThrow(
      'package q: an unsafe location "../../etc/q.rpm"',
    );
    await expect(
      findPrimaryPackages(
        chunks(primary(entry("q", ' xml:base="http://elsewhere.example/"'))),
        wanted,
      ),
    ).rejects.toThrow("xml:base");
    await expect(
      findPrimaryPackages(chunks(primary(entry("q")).slice(0, -20)), wanted),
    ).rejects.toThrow("the index ends early (no </metadata>)");
    await expect(
      findPrimaryPackages(chunks("<html>not found</html>"), wanted),
    ).rejects.toBeInstanceOf(PrimaryFormatError);
    const md5 = entry("q").replace('type="sha256"', 'type="md5"');
    await expect(findPrimaryPackages(chunks(primary(md5)), wanted)).rejects.toThrow(
      'checksum type "md5"',
    );
    // Entries nobody asked for are not validated: a broken decoy does not matter.
    expect(
      await findPrimaryPackages(
        chunks(primary(unsafe.replace("<name>q</name>", "<name>other</name>"))),
        wanted,
      ),
    ).toEqual([]);
  });

  test("the fixture's real primaries (zstd and gzip, sniffed by magic) hold the newest build in updates", async () => {
    const updates = join(repo.root, "updates/41/Everything/x86_64/repodata");
    const file = (await readdir(updates)).find((n) => n.endsWith("primary.xml.gz")) as string;
    const head = (await readFile(join(updates, file))).subarray(0, 8);
    expect(sniffCompression(head)).toBe("gzip");
    const found = await findPrimaryPackages(
      decompress(createReadStream(join(updates, file)), "gzip"),
      new Set(["qemu-user-static-aarch64"]),
    );
    expect(found.map((p) => `${p.evr.version}-${p.evr.release}`)).toEqual([UPDATE_VERSION]);
    expect(found[0]?.sha256).toBe(repo.updateAarch64.sha256);
    expect(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe("zstd");
    expect(sniffCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe("xz");
    expect(sniffCompression(Buffer.from("<?xml"))).toBeNull();
  });
});

describe("repomd.xml", () => {
  const repomd = (data: string) =>
    `<repomd><data type="other"><location href="repodata/x-other.xml.zst"/></data><data type="primary">${data}</data></repomd>`;
  test("the primary's location, SHA-256 and size", () => {
    expect(
      parseRepomd(
        repomd(
          `<checksum type="sha256">${HASH.toUpperCase()}</checksum><location href="repodata/${HASH}-primary.xml.zst"/><size>42</size>`,
        ),
      ),
    ).toEqual({
      href: `repodata/${HASH}-primary.xml.zst`,
      sha256: HASH,
      size: 42,
    });
  });
  test("refuses what it cannot verify or place", () => {
    const ok = `<location href="repodata/p.xml.gz"/><size>1</size>`;
    expect(() => parseRepomd("<repomd></repomd>")).toThrow(RepomdFormatError);
    expect(() =>
      parseRepomd(repomd(`<checksum type="sha1">${"a".repeat(40)}</checksum>${ok}`)),
    ).toThrow('checksum type is "sha1"');
    expect(() =>
      parseRepomd(
        repomd(
          `<checksum type="sha256">${HASH}</checksum><location href="/etc/passwd"/><size>1</size>`,
        ),
      ),
    ).toThrow("is not a path inside the repository");
    expect(() =>
      parseRepomd(
        repomd(
          `<checksum type="sha256">${HASH}</checksum><location href="https://evil.example/p.xml"/><size>1</size>`,
        ),
      ),
    ).toThrow("is not a path inside the repository");
    expect(() =>
      parseRepomd(
        repomd(`<checksum type="sha256">${HASH}</checksum><location href="repodata/p.xml.gz"/>`),
      ),
    ).toThrow("no <size>");
  });
});

describe("families", () => {
  test("every catalog target but the aliases has exactly one Fedora subpackage", () => {
    const emulators = [...new Set(TARGETS.map((t) => t.emulator))];
    for (const emulator of emulators)
      expect(fedoraPackageFor(emulator), emulator).toMatch(/^qemu-user-static-[a-z0-9]+$/);
    const listed = Object.values(FEDORA_FAMILIES).flat();
    expect(new Set(listed).size).toBe(listed.length);
  });
  test("the examples from Fedora's spec", () => {
    expect(fedoraPackageFor("qemu-ppc64le")).toBe("qemu-user-static-ppc");
    expect(fedoraPackageFor("qemu-x86_64")).toBe("qemu-user-static-x86");
    expect(fedoraPackageFor("qemu-aarch64_be")).toBe("qemu-user-static-aarch64");
    expect(fedoraPackageFor("qemu-mipsn32el")).toBe("qemu-user-static-mips");
    expect(fedoraPackageFor("qemu-nonsense")).toBeNull();
    expect(["x86_64", "aarch64", "ppc64le", "s390x", "riscv64"].map(fedoraArchitecture)).toEqual([
      "x86_64",
      "aarch64",
      "ppc64le",
      "s390x",
      null,
    ]);
  });
});

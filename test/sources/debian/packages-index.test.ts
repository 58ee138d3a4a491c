import { createReadStream } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  findPackageStanzas,
  PackagesFormatError,
  toPackageStanza,
} from "../../../src/sources/debian/packages-index.js";
import { parseDeb822 } from "../../../src/sources/debian/deb822.js";
import { debianMirror } from "../../helpers/debian-mirror.js";

const WANTED = new Set(["qemu-user-static", "qemu-user"]);

function stanzaText(pkg: string, extra = ""): string {
  return `Package: ${pkg}\nVersion: 1.0-1\nArchitecture: amd64\nFilename: pool/main/x/${pkg}_1.0-1_amd64.deb\nSize: 10\nSHA256: ${"ab".repeat(32)}\n${extra}`;
}

async function* inChunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("findPackageStanzas", () => {
  test("finds only the wanted packages, whatever the chunk boundaries", async () => {
    const text = [
      stanzaText("hello"),
      stanzaText("qemu-user", "Depends: libc6\n"),
      stanzaText("qemu-system-x86"),
      stanzaText("qemu-user-static"),
    ].join("\n");
    for (const size of [1, 7, 64, 100_000]) {
      const found = await findPackageStanzas(inChunks(text, size), WANTED);
      expect(found.map((s) => s.package)).toEqual(["qemu-user", "qemu-user-static"]);
      expect(found[0]?.depends).toBe("libc6");
    }
  });

  test("reads the fixture archive's real Packages index (apt-ftparchive output)", async () => {
    const mirror = await debianMirror();
    const index = join(mirror.root, "dists", "trixie", "main", "binary-amd64", "Packages");
    const found = await findPackageStanzas(createReadStream(index), WANTED);
    expect(found.map((s) => [s.package, s.version]).sort()).toEqual([
      ["qemu-user", mirror.trixieUser.version],
      ["qemu-user-static", mirror.trixieTransitional.version],
    ]);
    const user = found.find((s) => s.package === "qemu-user");
    expect(user).toMatchObject({
      filename: mirror.trixieUser.filename,
      size: mirror.trixieUser.size,
      sha256: mirror.trixieUser.sha256,
    });
  });

  test("refuses a wanted stanza whose Filename could escape the mirror", async () => {
    const evil = stanzaText("qemu-user").replace(/Filename: .*/, "Filename: pool/../../etc/x.deb");
    await expect(findPackageStanzas(inChunks(evil, 16), WANTED)).rejects.toThrow(
      PackagesFormatError,
    );
  });

  test("refuses a wanted stanza without a SHA256 or with a bad Size", () => {
    const noHash = parseDeb822(stanzaText("qemu-user").replace(/SHA256: .*\n/, ""))[0];
    expect(() => toPackageStanza(noHash!)).toThrow(/no SHA256/);
    const badSize = parseDeb822(stanzaText("qemu-user").replace(/Size: .*/, "Size: 12x"))[0];
    expect(() => toPackageStanza(badSize!)).toThrow(/invalid Size/);
  });
});

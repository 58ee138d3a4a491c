import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ArFormatError, listArMembers } from "../../../src/sources/archive/ar.js";
import { bytesSource, openFileSource } from "../../../src/sources/archive/byte-source.js";
import { readDebLayout } from "../../../src/sources/archive/deb.js";
import { qemuDeb } from "../../helpers/fixtures.js";
import { tempDirs } from "../temp-dirs.js";

const makeDir = tempDirs();

function arHeader(name: string, size: number): string {
  return `${name.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"100644".padEnd(8)}${String(size).padEnd(10)}\`\n`;
}

function arArchive(members: ReadonlyArray<readonly [string, string]>): Buffer {
  let text = "!<arch>\n";
  for (const [name, data] of members)
    text += `${arHeader(name, data.length)}${data}${data.length % 2 === 1 ? "\n" : ""}`;
  return Buffer.from(text, "latin1");
}

describe("listArMembers", () => {
  test("lists the real bookworm .deb's members at the offsets ar(1) agrees with", async () => {
    const deb = qemuDeb();
    const file = await openFileSource(deb);
    try {
      const members = await listArMembers(file);
      expect(members.map((m) => m.name)).toEqual(
        execFileSync("ar", ["t", deb], { encoding: "utf8" }).trim().split("\n"),
      );
      const data = members.find((m) => m.name === "data.tar.xz");
      expect(data?.size).toBe(
        execFileSync("ar", ["p", deb, "data.tar.xz"], { maxBuffer: 128 * 1024 * 1024 }).length,
      );
      const layout = await readDebLayout(file);
      expect(layout.compression).toBe("xz");
      expect(layout.data).toEqual(data);
      expect(layout.control).toEqual({
        member: members.find((m) => m.name === "control.tar.xz"),
        compression: "xz",
      });
    } finally {
      await file.close();
    }
  });

  test("reads odd-sized members with their padding, and GNU names ending in /", async () => {
    const members = await listArMembers(
      bytesSource(
        arArchive([
          ["debian-binary/", "2.0\n"],
          ["odd", "abc"],
          ["next", "xy"],
        ]),
      ),
    );
    expect(members.map((m) => [m.name, m.size])).toEqual([
      ["debian-binary", 4],
      ["odd", 3],
      ["next", 2],
    ]);
    expect(members[2]?.offset).toBe(8 + 60 + 4 + 60 + 4 + 60);
  });

  test("agrees with ar(1) on an archive made by ar", async () => {
    const dir = await makeDir("qus-ar-");
    await writeFile(join(dir, "a.txt"), "hello");
    await writeFile(join(dir, "b.bin"), Buffer.alloc(1001, 7));
    execFileSync("ar", ["rcD", join(dir, "x.a"), join(dir, "a.txt"), join(dir, "b.bin")]);
    const members = await listArMembers(bytesSource(await readFile(join(dir, "x.a"))));
    expect(members.map((m) => [m.name, m.size])).toEqual([
      ["a.txt", 5],
      ["b.bin", 1001],
    ]);
  });

  test("refuses truncated archives, bad sizes, missing terminators and non-ar files", async () => {
    const good = arArchive([["debian-binary", "2.0\n"]]);
    await expect(listArMembers(bytesSource(good.subarray(0, good.length - 1)))).rejects.toThrow(
      /claims 4 bytes/,
    );
    await expect(listArMembers(bytesSource(good.subarray(0, 30)))).rejects.toThrow(
      /truncated member header/,
    );
    await expect(
      listArMembers(
        bytesSource(
          Buffer.from(good.toString("latin1").replace("4         `", "-4        `"), "latin1"),
        ),
      ),
    ).rejects.toThrow(/not a decimal/);
    await expect(
      listArMembers(
        bytesSource(Buffer.from(good.toString("latin1").replace("`\n", "!\n"), "latin1")),
      ),
    ).rejects.toThrow(/terminator/);
    await expect(listArMembers(bytesSource(Buffer.from("PK\u0003\u0004 not ar")))).rejects.toThrow(
      /not an ar archive/,
    );
  });

  test("readDebLayout names the control member when it is one qus can read", async () => {
    const layout = (control: string) =>
      readDebLayout(
        bytesSource(
          arArchive([
            ["debian-binary", "2.0\n"],
            [control, "x"],
            ["data.tar.zst", "y"],
          ]),
        ),
      );
    expect((await layout("control.tar.gz")).control?.compression).toBe("gzip");
    expect((await layout("control.tar")).control?.compression).toBe("none");
    expect((await layout("control.tar.bz2")).control).toBeNull();
    expect((await layout("other")).control).toBeNull();
  });

  test("readDebLayout refuses an ar file that is not a Debian package", async () => {
    await expect(readDebLayout(bytesSource(arArchive([["data.tar.xz", "x"]])))).rejects.toThrow(
      /first member is "data.tar.xz"/,
    );
    await expect(
      readDebLayout(
        bytesSource(
          arArchive([
            ["debian-binary", "3.0\n"],
            ["data.tar", ""],
          ]),
        ),
      ),
    ).rejects.toThrow(/unsupported Debian package format/);
    await expect(
      readDebLayout(
        bytesSource(
          arArchive([
            ["debian-binary", "2.0\n"],
            ["data.tar.bz2", "x"],
          ]),
        ),
      ),
    ).rejects.toThrow(/compression qus does not read/);
    await expect(
      readDebLayout(
        bytesSource(
          arArchive([
            ["debian-binary", "2.0\n"],
            ["control.tar.xz", "x"],
          ]),
        ),
      ),
    ).rejects.toThrow(/one data.tar member, found 0/);
  });

  test("never throws anything but ArFormatError, and never reports a member outside the input (property)", async () => {
    const mutated = fc
      .tuple(fc.uint8Array({ maxLength: 300 }), fc.nat(400), fc.boolean())
      .map(([noise, cut, keepMagic]) => {
        const base = arArchive([
          ["debian-binary", "2.0\n"],
          ["control.tar.xz", "ab"],
          ["data.tar.xz", "xyz"],
        ]);
        const bytes = Buffer.concat([
          keepMagic ? base.subarray(0, Math.min(cut, base.length)) : Buffer.alloc(0),
          Buffer.from(noise),
        ]);
        return bytes;
      });
    await fc.assert(
      fc.asyncProperty(mutated, async (bytes) => {
        try {
          const members = await listArMembers(bytesSource(bytes));
          for (const m of members) expect(m.offset + m.size).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ArFormatError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

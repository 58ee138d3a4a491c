// md5sums from a package's control member: the format dpkg writes, the real bookworm package
// (agreeing with dpkg-deb), and a control member without one.
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { openFileSource } from "../../../src/sources/archive/byte-source.js";
import { readDebLayout } from "../../../src/sources/archive/deb.js";
import { decompress } from "../../../src/sources/archive/decompress.js";
import { parseMd5sums, readMd5sums } from "../../../src/sources/debian/md5sums.js";
import { projectRoot, qemuDeb } from "../../helpers/fixtures.js";

describe("parseMd5sums", () => {
  test("reads dpkg's two-space lines and md5sum's binary marker; paths lose a leading ./ or /", () => {
    const sums = parseMd5sums(
      [
        "ec0ec7866f71df98eb6e61e2630896a5  usr/bin/qemu-aarch64-static",
        "A908DDB34716FDCDA7B27F86A5DCE810 *./usr/bin/qemu-s390x-static",
        "0123456789abcdef0123456789abcdef  /usr/share/doc/with space.txt",
        "not a line",
        "0123  usr/short",
        "",
      ].join("\n"),
    );
    expect([...sums]).toEqual([
      ["usr/bin/qemu-aarch64-static", "ec0ec7866f71df98eb6e61e2630896a5"],
      ["usr/bin/qemu-s390x-static", "a908ddb34716fdcda7b27f86a5dce810"],
      ["usr/share/doc/with space.txt", "0123456789abcdef0123456789abcdef"],
    ]);
  });
});

describe("readMd5sums", () => {
  test("finds md5sums in the real package's control.tar.xz, as dpkg-deb shows it", async () => {
    const deb = qemuDeb();
    const file = await openFileSource(deb);
    const { control } = await readDebLayout(file);
    await file.close();
    expect(control?.compression).toBe("xz");
    const member = control?.member as { offset: number; size: number };
    const sums = await readMd5sums(
      decompress(
        createReadStream(deb, { start: member.offset, end: member.offset + member.size - 1 }),
        "xz",
      ),
    );
    const expected = parseMd5sums(
      execFileSync("dpkg-deb", ["--info", deb, "md5sums"], { encoding: "utf8" }),
    );
    expect(sums?.size).toBeGreaterThan(30);
    expect(sums).toEqual(expected);
  });

  test("null for a control member without md5sums, or one that is not a tar", async () => {
    const tar = execFileSync("tar", [
      "-cf",
      "-",
      "--format=gnu",
      "-C",
      projectRoot,
      "package.json",
    ]);
    expect(await readMd5sums(Readable.from([tar]))).toBeNull();
    expect(await readMd5sums(Readable.from([Buffer.from("x".repeat(1024))]))).toBeNull();
  });
});

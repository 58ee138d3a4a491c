// The cpio newc reader: real payloads (decompressed from the fixture RPMs) and hostile archives.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { bytesSource } from "../../../src/sources/archive/byte-source.js";
import { CpioFormatError, readCpio, type CpioEntry } from "../../../src/sources/archive/cpio.js";
import { decompress } from "../../../src/sources/archive/decompress.js";
import { readRpmLayout } from "../../../src/sources/archive/rpm.js";
import { fedoraRepo, type FedoraRepoFixture } from "../../helpers/fedora-repo.js";
import { emulatorPath } from "../../helpers/fixtures.js";

let repo: FedoraRepoFixture;
beforeAll(async () => {
  repo = await fedoraRepo();
}, 300_000);

function newc(
  members: ReadonlyArray<{ path: string; mode: number; data?: string; nlink?: number }>,
  trailer = true,
): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const field = (n: number) => n.toString(16).padStart(8, "0");
  const all = trailer ? [...members, { path: "TRAILER!!!", mode: 0 }] : members;
  all.forEach((m, i) => {
    const name = Buffer.from(`${m.path}\0`);
    const data = Buffer.from(m.data ?? "");
    parts.push(
      Buffer.from(
        `070701${[i + 1, m.mode, 0, 0, m.nlink ?? 1, 0, data.length, 0, 0, 0, 0, name.length, 0].map(field).join("")}`,
        "latin1",
      ),
      name,
      pad(110 + name.length),
      data,
      pad(data.length),
    );
  });
  return Buffer.concat(parts);
}

async function* chunked(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes.subarray(0, 7);
  yield bytes.subarray(7);
}

async function collect(
  bytes: Buffer,
  readBodies = true,
): Promise<Array<CpioEntry & { text?: string }>> {
  const out: Array<CpioEntry & { text?: string }> = [];
  for await (const { entry, body } of readCpio(chunked(bytes))) {
    if (!readBodies) {
      out.push(entry);
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    out.push({ ...entry, text: Buffer.concat(chunks).toString("latin1") });
  }
  return out;
}

describe("real payloads", () => {
  test("the fixture package's payload lists rpm's ./usr/bin members with the real emulator bytes", async () => {
    const path = join(repo.root, repo.updateAarch64.filename);
    const layout = await readRpmLayout(bytesSource(await readFile(path)));
    const entries: Array<{ path: string; type: string; size: number; same?: boolean }> = [];
    const real = await readFile(emulatorPath("aarch64"));
    for await (const { entry, body } of readCpio(
      decompress(createReadStream(path, { start: layout.payloadOffset }), "zstd", {
        useSystemTools: false,
      }),
    )) {
      if (entry.path === "./usr/bin/qemu-aarch64-static") {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(Buffer.from(chunk));
        entries.push({
          path: entry.path,
          type: entry.type,
          size: entry.size,
          same: Buffer.concat(chunks).equals(real),
        });
      } else entries.push({ path: entry.path, type: entry.type, size: entry.size });
    }
    expect(entries.map((e) => e.path).sort()).toEqual([
      "./usr/bin/qemu-aarch64-static",
      "./usr/bin/qemu-aarch64_be-static",
      "./usr/lib/binfmt.d/qemu-aarch64-static.conf",
      "./usr/lib/binfmt.d/qemu-aarch64_be-static.conf",
    ]);
    expect(entries.find((e) => e.same !== undefined)).toMatchObject({
      type: "file",
      size: real.length,
      same: true,
    });
  });
});

describe("the newc format", () => {
  test("types, sizes, bodies read or skipped, padding", async () => {
    const bytes = newc([
      { path: "./usr", mode: 0o040755 },
      { path: "./usr/bin/a", mode: 0o100755, data: "hello" },
      { path: "./usr/bin/link", mode: 0o120777, data: "a" },
      { path: "./usr/bin/b", mode: 0o100644, data: "world!!" },
    ]);
    expect((await collect(bytes)).map((e) => [e.path, e.type, e.size, e.text])).toEqual([
      ["./usr", "directory", 0, ""],
      ["./usr/bin/a", "file", 5, "hello"],
      ["./usr/bin/link", "symlink", 1, "a"],
      ["./usr/bin/b", "file", 7, "world!!"],
    ]);
    expect((await collect(bytes, false)).map((e) => e.path)).toEqual([
      "./usr",
      "./usr/bin/a",
      "./usr/bin/link",
      "./usr/bin/b",
    ]);
  });

  test("truncation anywhere, a missing trailer, bad magic and bad fields are CpioFormatError", async () => {
    const good = newc([{ path: "./usr/bin/a", mode: 0o100755, data: "hello world" }]);
    for (let cut = 1; cut < good.length; cut += 7) {
      await expect(collect(good.subarray(0, cut)), `cut at ${cut}`).rejects.toBeInstanceOf(
        CpioFormatError,
      );
    }
    await expect(
      collect(newc([{ path: "./a", mode: 0o100644, data: "x" }], false)),
    ).rejects.toThrow("archive ends without a TRAILER!!! entry");
    const badMagic = Buffer.from(good);
    badMagic.write("070707", 0, "latin1");
    await expect(collect(badMagic)).rejects.toThrow(
      'no newc header magic at byte 0: found "070707"',
    );
    const badField = Buffer.from(good);
    badField.write("zz", 6 + 6 * 8, "latin1");
    await expect(collect(badField)).rejects.toThrow("header field 6 at byte 0 is not hexadecimal");
    const longName = Buffer.from(good);
    longName.write("00010000", 6 + 11 * 8, "latin1");
    await expect(collect(longName)).rejects.toThrow("has a name of 65536 bytes");
  });
});

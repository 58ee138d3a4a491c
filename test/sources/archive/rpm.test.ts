// The RPM lead/header reader on real packages built by rpmbuild, and on hostile headers: every
// count, offset and string is checked against the data it points into.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { bytesSource } from "../../../src/sources/archive/byte-source.js";
import { readHeaderAt, readRpmLayout } from "../../../src/sources/archive/rpm.js";
import { RpmFormatError, RpmTag, RpmType } from "../../../src/sources/archive/rpm-header.js";
import {
  fedoraRepo,
  RELEASE_VERSION,
  UPDATE_VERSION,
  type FedoraRepoFixture,
} from "../../helpers/fedora-repo.js";

let repo: FedoraRepoFixture;
beforeAll(async () => {
  repo = await fedoraRepo();
}, 300_000);

/** A header structure from (tag, type, count, data) entries, data laid out in order. */
function headerBytes(
  entries: ReadonlyArray<{
    tag: number;
    type: number;
    count: number;
    data: Uint8Array;
    offset?: number;
  }>,
  dataSize?: number,
): Buffer {
  const store = Buffer.concat(entries.map((e) => Buffer.from(e.data)));
  const intro = Buffer.alloc(16);
  Buffer.from([0x8e, 0xad, 0xe8, 0x01]).copy(intro);
  intro.writeUInt32BE(entries.length, 8);
  intro.writeUInt32BE(dataSize ?? store.length, 12);
  let offset = 0;
  const index = entries.map((e) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(e.tag, 0);
    entry.writeUInt32BE(e.type, 4);
    entry.writeUInt32BE(e.offset ?? offset, 8);
    entry.writeUInt32BE(e.count, 12);
    offset += e.data.length;
    return entry;
  });
  return Buffer.concat([intro, ...index, store]);
}

const str = (text: string) => Buffer.from(`${text}\0`);

function lead(major = 3): Buffer {
  const bytes = Buffer.alloc(96);
  Buffer.from([0xed, 0xab, 0xee, 0xdb, major, 0]).copy(bytes);
  bytes.write("qemu-user-static-aarch64", 10, "latin1");
  bytes.writeUInt16BE(5, 78);
  return bytes;
}

/** A minimal package: lead, signature header (padded to 8), main header, payload. */
function packageBytes(main: Buffer, payload = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])): Buffer {
  const signature = headerBytes([
    { tag: 1000, type: RpmType.INT32, count: 1, data: Buffer.from([0, 0, 0, 1]) },
  ]);
  const pad = Buffer.alloc((8 - ((96 + signature.length) % 8)) % 8);
  return Buffer.concat([lead(), signature, pad, main, payload]);
}

describe("real packages", () => {
  test("lead, tags and the header bytes the signature covers", async () => {
    const bytes = await readFile(join(repo.root, repo.updateAarch64.filename));
    const layout = await readRpmLayout(bytesSource(bytes));
    expect(layout.lead).toMatchObject({
      major: 3,
      minor: 0,
      type: 0,
      signatureType: 5,
      name: `qemu-user-static-aarch64-${UPDATE_VERSION}`,
    });
    const { header, signature } = layout;
    expect([
      header.string(RpmTag.NAME),
      header.string(RpmTag.VERSION),
      header.string(RpmTag.RELEASE),
      header.string(RpmTag.ARCH),
    ]).toEqual(["qemu-user-static-aarch64", "9.1.2", "3.fc41", "x86_64"]);
    expect([
      header.string(RpmTag.PAYLOADFORMAT),
      header.string(RpmTag.PAYLOADCOMPRESSOR),
      header.number(RpmTag.PAYLOADDIGESTALGO),
    ]).toEqual(["cpio", "zstd", 8]);
    // The SHA-256 rpm recorded for the header is over exactly the bytes the reader returns.
    expect(signature.string(RpmTag.SHA256HEADER)).toBe(
      createHash("sha256").update(header.bytes).digest("hex"),
    );
    expect(signature.binary(RpmTag.RSAHEADER)?.length).toBeGreaterThan(200);
    // The payload starts right after the header and its digest is in the header.
    expect(layout.payloadOffset + layout.payloadSize).toBe(bytes.length);
    expect([...bytes.subarray(layout.payloadOffset, layout.payloadOffset + 4)]).toEqual([
      0x28, 0xb5, 0x2f, 0xfd,
    ]);
    expect(header.stringArray(RpmTag.PAYLOADDIGEST)).toEqual([
      createHash("sha256").update(bytes.subarray(layout.payloadOffset)).digest("hex"),
    ]);
  });

  test("an xz payload package", async () => {
    const layout = await readRpmLayout(
      bytesSource(await readFile(join(repo.root, repo.releasePpc.filename))),
    );
    expect(layout.header.string(RpmTag.PAYLOADCOMPRESSOR)).toBe("xz");
    expect(`${layout.header.string(RpmTag.VERSION)}-${layout.header.string(RpmTag.RELEASE)}`).toBe(
      RELEASE_VERSION,
    );
  });

  test("every truncation of the headers is refused, never read out of range", async () => {
    const bytes = await readFile(join(repo.root, repo.releaseAarch64.filename));
    const { payloadOffset } = await readRpmLayout(bytesSource(bytes));
    for (const cut of [0, 50, 96, 100, 200, 1000, payloadOffset - 1]) {
      await expect(readRpmLayout(bytesSource(bytes.subarray(0, cut)))).rejects.toBeInstanceOf(
        RpmFormatError,
      );
    }
  });
});

describe("hostile and unsupported headers", () => {
  const name = { tag: RpmTag.NAME, type: RpmType.STRING, count: 1, data: str("qemu") };

  test("not an RPM, a v6 lead, a source package", async () => {
    await expect(
      readRpmLayout(bytesSource(Buffer.from("!<arch>\n".padEnd(200, " ")))),
    ).rejects.toThrow("not an RPM package (no lead magic ed ab ee db)");
    const v6 = packageBytes(headerBytes([name]));
    v6[4] = 4;
    await expect(readRpmLayout(bytesSource(v6))).rejects.toThrow(
      "an RPM v6 package: qus reads RPM v4 packages (lead version 3.0) only",
    );
    const source = packageBytes(headerBytes([name]));
    source.writeUInt16BE(1, 6);
    await expect(readRpmLayout(bytesSource(source))).rejects.toThrow("a source package");
  });

  test("RPMFORMAT 6 in the main header is refused; a v4 header reads", async () => {
    const format = (n: number) => ({
      tag: RpmTag.RPMFORMAT,
      type: RpmType.INT32,
      count: 1,
      data: Buffer.from([0, 0, 0, n]),
    });
    await expect(
      readRpmLayout(bytesSource(packageBytes(headerBytes([format(6), name])))),
    ).rejects.toThrow("an RPM v6 package: qus reads RPM v4 packages only");
    const main = headerBytes([{ ...format(4) }, { ...name }]);
    const layout = await readRpmLayout(bytesSource(packageBytes(main)));
    expect(layout.header.string(RpmTag.NAME)).toBe("qemu");
  });

  test("offsets, counts and strings outside the data are refused", async () => {
    const cases: Array<[Buffer, string]> = [
      [headerBytes([{ ...name, offset: 100 }]), "points past the header data"],
      [
        headerBytes([{ tag: 1000, type: RpmType.INT32, count: 4, data: Buffer.alloc(4) }]),
        "runs past the header data",
      ],
      [
        headerBytes([
          { tag: 1000, type: RpmType.INT32, count: 1, data: Buffer.alloc(6), offset: 2 },
        ]),
        "is not aligned",
      ],
      [
        headerBytes([
          { tag: 1000, type: RpmType.STRING, count: 1, data: Buffer.from("no terminator") },
        ]),
        "string that runs past the header data",
      ],
      [
        headerBytes([{ tag: 1000, type: RpmType.STRING_ARRAY, count: 3, data: str("one") }]),
        "string that runs past the header data",
      ],
      [headerBytes([{ tag: 1000, type: 42, count: 1, data: Buffer.alloc(4) }]), "unknown type 42"],
      [headerBytes([name, name]), "holds tag 1000 twice"],
      [headerBytes([name], 1 << 30), "claims 1073741824 bytes of data"],
    ];
    for (const [bytes, message] of cases) {
      await expect(readHeaderAt(bytesSource(bytes), 0, "main header"), message).rejects.toThrow(
        message,
      );
    }
    const huge = headerBytes([name]);
    huge.writeUInt32BE(0x10000, 8);
    await expect(readHeaderAt(bytesSource(huge), 0, "main header")).rejects.toThrow(
      "has 65536 entries",
    );
  });

  test("a tag read with the wrong type is an error, not garbage", async () => {
    const header = await readHeaderAt(bytesSource(headerBytes([name])), 0, "main header");
    expect(() => header.number(RpmTag.NAME)).toThrow(RpmFormatError);
    expect(header.string(RpmTag.ARCH)).toBeUndefined();
  });
});

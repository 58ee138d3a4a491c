// The catalog is what qus writes into the kernel: every magic and mask must be QEMU's own, and
// every name users type must land on the right target. The reference table is QEMU's
// scripts/qemu-binfmt-conf.sh (commit 1887cf2368, March 2025), kept beside this test so a fresh
// clone checks it; the shared project reference, when present, must be the same table.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  TARGETS,
  TARGET_ALIASES,
  findTarget,
  knownTargetSpellings,
  resolveTargetName,
} from "../../src/catalog/targets.js";
import { projectRoot } from "../helpers/fixtures.js";

const vendoredTable = join(projectRoot, "test", "catalog", "binfmt-targets.tsv");
const sharedTable = join(projectRoot, "..", "shared", "reference", "binfmt-targets.tsv");

/** Decodes the table's `\xHH` escapes and literal `ELF` to lowercase hex; throws on anything else. */
function decodeEscapes(field: string): string {
  let hex = "";
  let rest = field;
  while (rest.length > 0) {
    const hexEscape = /^\\x([0-9a-fA-F]{2})/.exec(rest);
    if (hexEscape?.[1] !== undefined) {
      hex += hexEscape[1].toLowerCase();
      rest = rest.slice(4);
    } else if (rest.startsWith("ELF")) {
      hex += "454c46";
      rest = rest.slice(3);
    } else {
      throw new Error(
        `undecodable magic/mask field ${JSON.stringify(field)} at ${JSON.stringify(rest)}`,
      );
    }
  }
  return hex;
}

interface TableRow {
  name: string;
  family: string;
  magic: string;
  mask: string;
}

function readTable(path: string): TableRow[] {
  const [header, ...lines] = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
  expect(header?.split("\t")).toEqual(["target", "family", "magic", "mask"]);
  return lines.map((line) => {
    const [name = "", family = "", magic = "", mask = ""] = line.split("\t");
    return { name, family, magic: decodeEscapes(magic), mask: decodeEscapes(mask) };
  });
}

describe("TARGETS", () => {
  it("is QEMU's table, in QEMU's order, with the same families, magic and masks (but microblaze)", () => {
    const catalog = TARGETS.map(({ name, family, magic, mask }) => ({ name, family, magic, mask }));
    const qemu = readTable(vendoredTable);
    expect(catalog.map((t) => t.name)).toEqual(qemu.map((t) => t.name));
    const notMicroblaze = (t: TableRow) => !t.name.startsWith("microblaze");
    expect(catalog.filter(notMicroblaze)).toEqual(qemu.filter(notMicroblaze));
  });

  it("corrects QEMU's microblaze entries: EM_MICROBLAZE (0xbd), e_type in each entry's byte order", () => {
    const qemu = readTable(vendoredTable);
    const ours = (name: string) => TARGETS.find((t) => t.name === name)!;
    // QEMU's: e_machine 0xbaab only, and the big-endian e_type spelled little-endian (02 00).
    expect(qemu.find((t) => t.name === "microblaze")!.magic.slice(32)).toBe("0200baab");
    expect(ours("microblaze").magic.slice(32)).toBe("000200bd");
    expect(ours("microblaze").mask.slice(32)).toBe("fffeffff");
    expect(ours("microblazeel").magic.slice(32)).toBe("0200bd00");
    expect(ours("microblazeel").mask.slice(32)).toBe("feffffff");
  });

  it("uses the same reference table as the shared project reference (required under CI when it is there)", () => {
    if (existsSync(sharedTable)) {
      expect(readFileSync(vendoredTable, "utf8")).toBe(readFileSync(sharedTable, "utf8"));
    } else {
      // A fresh CI clone has only the vendored copy, which the test above compares in full.
      expect(readTable(vendoredTable)).toHaveLength(TARGETS.length);
    }
  });

  it("has equal-length magic and mask within the kernel's 128-byte limit, all starting with \\x7fELF", () => {
    for (const target of TARGETS) {
      const magic = Buffer.from(target.magic, "hex");
      const mask = Buffer.from(target.mask, "hex");
      expect({ name: target.name, length: magic.length }).toEqual({
        name: target.name,
        length: mask.length,
      });
      expect(magic.length).toBeLessThanOrEqual(128);
      expect(magic.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
      expect(mask.subarray(0, 4).toString("hex")).toBe("ffffffff");
    }
  });

  it("runs i486 under qemu-i386 and every other target under qemu-<target>", () => {
    for (const target of TARGETS) {
      expect(target.emulator).toBe(target.name === "i486" ? "qemu-i386" : `qemu-${target.name}`);
    }
  });

  it("has unique names", () => {
    expect(new Set(TARGETS.map((t) => t.name)).size).toBe(TARGETS.length);
  });
});

describe("resolveTargetName", () => {
  it("resolves every canonical name to itself", () => {
    for (const target of TARGETS) expect(resolveTargetName(target.name)).toBe(target);
  });

  it.each([
    ["arm64", "aarch64"],
    ["arm64v8", "aarch64"],
    ["amd64", "x86_64"],
    ["x86-64", "x86_64"],
    ["x64", "x86_64"],
    ["386", "i386"],
    ["i686", "i386"],
    ["i586", "i386"],
    ["x86", "i386"],
    ["armhf", "arm"],
    ["armel", "arm"],
    ["armv6", "arm"],
    ["armv7", "arm"],
    ["armv7l", "arm"],
    ["arm32v7", "arm"],
    ["arm32v6", "arm"],
    ["ppc64el", "ppc64le"],
    ["powerpc", "ppc"],
    ["loong64", "loongarch64"],
    ["mips64le", "mips64el"],
    ["riscv", "riscv64"],
  ])("resolves the alias %s to %s", (alias, canonical) => {
    expect(resolveTargetName(alias)?.name).toBe(canonical);
  });

  it("ignores letter case", () => {
    expect(resolveTargetName("ARM64")?.name).toBe("aarch64");
    expect(resolveTargetName("RiscV64")?.name).toBe("riscv64");
    expect(resolveTargetName("AMD64")?.name).toBe("x86_64");
  });

  it("keeps i486 as its own target (its magic differs from i386's)", () => {
    expect(resolveTargetName("i486")?.name).toBe("i486");
  });

  it("resolves nothing for unknown names, including the empty string", () => {
    for (const name of ["", "vax", "aarch", "arm64 ", "x86_64\n", "qemu-aarch64"]) {
      expect(resolveTargetName(name)).toBeUndefined();
    }
  });

  it("has aliases that all point at catalog targets and never shadow a canonical name", () => {
    for (const [alias, canonical] of Object.entries(TARGET_ALIASES)) {
      expect({ alias, target: findTarget(canonical)?.name }).toEqual({ alias, target: canonical });
      expect(findTarget(alias)).toBeUndefined();
    }
  });

  it("accepts every spelling it offers for completion, and only those among arbitrary strings", () => {
    const spellings = new Set(knownTargetSpellings());
    for (const spelling of spellings) expect(resolveTargetName(spelling)).toBeDefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (input) => {
        expect(resolveTargetName(input) !== undefined).toBe(spellings.has(input.toLowerCase()));
      }),
    );
  });
});

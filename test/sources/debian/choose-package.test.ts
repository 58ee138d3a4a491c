import { describe, expect, test } from "vitest";
import {
  choosePackage,
  isTransitionalStatic,
  memberPathFor,
  type Candidate,
} from "../../../src/sources/debian/choose-package.js";
import type { PackageStanza } from "../../../src/sources/debian/packages-index.js";

function stanza(pkg: string, version: string, extra: Partial<PackageStanza> = {}): PackageStanza {
  return {
    package: pkg,
    version,
    architecture: "amd64",
    filename: `pool/main/q/qemu/${pkg}_${version}_amd64.deb`,
    size: 1000,
    sha256: "0".repeat(64),
    depends: "",
    installedSizeKiB: 400_000,
    ...extra,
  };
}

function candidate(s: PackageStanza, dist = "suite"): Candidate {
  return { stanza: s, dist, mirror: "http://mirror.invalid/debian" };
}

// Stanzas shaped like the real indexes (Depends and Installed-Size as Debian publishes them).
const BOOKWORM_STATIC = stanza("qemu-user-static", "1:7.2+dfsg-7+deb12u18+b3", {
  installedSizeKiB: 434_000,
});
const BOOKWORM_DYNAMIC = stanza("qemu-user", "1:7.2+dfsg-7+deb12u18+b3", {
  depends: "libc6 (>= 2.34), libglib2.0-0 (>= 2.75.3)",
  installedSizeKiB: 90_000,
});
const TRIXIE_USER = stanza("qemu-user", "1:10.0.2+ds-1", { installedSizeKiB: 480_000 });
const TRIXIE_SHIM = stanza("qemu-user-static", "1:10.0.2+ds-1", {
  depends: "qemu-user (= 1:10.0.2+ds-1), qemu-user-binfmt",
  installedSizeKiB: 120,
});

describe("choosePackage", () => {
  test("bookworm: the self-contained qemu-user-static wins over the dynamic qemu-user", () => {
    const chosen = choosePackage([candidate(BOOKWORM_DYNAMIC), candidate(BOOKWORM_STATIC)]);
    expect(chosen).toMatchObject({ stanza: { package: "qemu-user-static" } });
  });

  test("trixie: qemu-user wins when qemu-user-static only depends on it", () => {
    const chosen = choosePackage([candidate(TRIXIE_SHIM), candidate(TRIXIE_USER)]);
    expect(chosen).toMatchObject({ stanza: { package: "qemu-user", version: "1:10.0.2+ds-1" } });
  });

  test("forky/sid: qemu-user alone is chosen", () => {
    expect(choosePackage([candidate(stanza("qemu-user", "1:11.1+ds-1"))])).toMatchObject({
      stanza: { package: "qemu-user" },
    });
  });

  test("the newest version across the suite and its security suite wins", () => {
    const main = candidate(stanza("qemu-user-static", "1:7.2+dfsg-7+deb12u18+b3"), "bookworm");
    const security = candidate(
      stanza("qemu-user-static", "1:7.2+dfsg-7+deb12u19"),
      "bookworm-security",
    );
    expect(choosePackage([main, security])).toBe(security);
    expect(choosePackage([security, main])).toBe(security);
  });

  test("on equal versions the first listed (the main suite) wins", () => {
    const main = candidate(TRIXIE_USER, "trixie");
    const copy = candidate(TRIXIE_USER, "trixie-security");
    expect(choosePackage([main, copy])).toBe(main);
  });

  test("a pin selects exactly that version, even when newer ones exist", () => {
    const older = candidate(stanza("qemu-user", "1:10.0.2+ds-1"));
    const newer = candidate(stanza("qemu-user", "1:10.0.2+ds-1+deb13u1"));
    expect(choosePackage([older, newer], "1:10.0.2+ds-1")).toBe(older);
  });

  test("a pin that matches nothing reports the versions available", () => {
    const result = choosePackage(
      [
        candidate(stanza("qemu-user", "1:10.0.2+ds-1+deb13u1")),
        candidate(stanza("qemu-user", "1:10.0.2+ds-1")),
      ],
      "1:9.0",
    );
    expect(result).toEqual({
      kind: "pin-not-found",
      available: ["1:10.0.2+ds-1", "1:10.0.2+ds-1+deb13u1"],
    });
  });

  test("no candidates, or only the transitional package, are told apart", () => {
    expect(choosePackage([])).toEqual({ kind: "none" });
    expect(choosePackage([candidate(TRIXIE_SHIM)])).toEqual({ kind: "only-transitional" });
  });
});

describe("isTransitionalStatic and memberPathFor", () => {
  test("recognises the shim by its dependency on qemu-user or by a size too small for an emulator", () => {
    expect(isTransitionalStatic(TRIXIE_SHIM)).toBe(true);
    expect(
      isTransitionalStatic(
        stanza("qemu-user-static", "1", { depends: "qemu-user:any", installedSizeKiB: 500_000 }),
      ),
    ).toBe(true);
    expect(isTransitionalStatic(stanza("qemu-user-static", "1", { installedSizeKiB: 40 }))).toBe(
      true,
    );
    expect(isTransitionalStatic(BOOKWORM_STATIC)).toBe(false);
    expect(
      isTransitionalStatic(stanza("qemu-user-static", "1", { depends: "qemu-user-binfmt" })),
    ).toBe(false);
    expect(isTransitionalStatic(TRIXIE_USER)).toBe(false);
  });

  test("qemu-user-static names files -static, qemu-user does not", () => {
    expect(memberPathFor("qemu-user-static", "qemu-aarch64")).toBe("usr/bin/qemu-aarch64-static");
    expect(memberPathFor("qemu-user", "qemu-aarch64")).toBe("usr/bin/qemu-aarch64");
  });
});

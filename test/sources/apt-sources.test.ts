import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  findDebianMirrors,
  hostDebianMirrors,
  parseDeb822Sources,
  parseOneLineSources,
  readAptSources,
} from "../../src/sources/apt-sources.js";
import { tempDirs } from "./temp-dirs.js";

const makeDir = tempDirs();

// Synthetic hosts only: example.invalid names, never a real mirror.
async function fakeRoot(files: Record<string, string>): Promise<string> {
  const root = await makeDir("qus-apt-");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const DEB822 = `Types: deb
# a comment between fields
URIs: http://mirror.example.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.invalid/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe("parsing APT sources", () => {
  test("one-line format with options, comments and several components", () => {
    const entries = parseOneLineSources(
      "# comment\ndeb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://a.example.invalid/debian trixie main contrib\ndeb-src http://a.example.invalid/debian trixie main\n\nbroken\n",
      "/etc/apt/sources.list",
    );
    expect(entries).toEqual([
      {
        file: "/etc/apt/sources.list",
        types: ["deb"],
        uris: ["http://a.example.invalid/debian"],
        suites: ["trixie"],
        components: ["main", "contrib"],
        signedBy: "/usr/share/keyrings/debian-archive-keyring.gpg",
        enabled: true,
      },
      {
        file: "/etc/apt/sources.list",
        types: ["deb-src"],
        uris: ["http://a.example.invalid/debian"],
        suites: ["trixie"],
        components: ["main"],
        signedBy: undefined,
        enabled: true,
      },
    ]);
  });

  test("deb822 format, including Enabled: no", () => {
    const entries = parseDeb822Sources(
      `${DEB822}\nTypes: deb\nURIs: http://off.example.invalid/debian\nSuites: sid\nComponents: main\nEnabled: no\n`,
      "x.sources",
    );
    expect(entries.map((e) => [e.uris[0], e.suites, e.enabled])).toEqual([
      ["http://mirror.example.invalid/debian", ["bookworm", "bookworm-updates"], true],
      ["http://mirror.example.invalid/debian-security", ["bookworm-security"], true],
      ["http://off.example.invalid/debian", ["sid"], false],
    ]);
  });

  test("reads sources.list then sources.list.d in name order, ignoring other files", async () => {
    const root = await fakeRoot({
      "etc/apt/sources.list": "deb http://first.example.invalid/debian bookworm main\n",
      "etc/apt/sources.list.d/b.sources": DEB822,
      "etc/apt/sources.list.d/a.list": "deb http://second.example.invalid/debian bookworm main\n",
      "etc/apt/sources.list.d/c.list.disabled":
        "deb http://never.example.invalid/debian bookworm main\n",
    });
    const entries = await readAptSources(root);
    expect(entries.map((e) => e.uris[0])).toEqual([
      "http://first.example.invalid/debian",
      "http://second.example.invalid/debian",
      "http://mirror.example.invalid/debian",
      "http://mirror.example.invalid/debian-security",
    ]);
  });
});

describe("finding the Debian mirror", () => {
  test("uses the entry for the suite, and the -security entry for security", async () => {
    const root = await fakeRoot({ "etc/apt/sources.list.d/debian.sources": DEB822 });
    expect(await hostDebianMirrors("bookworm", root)).toEqual({
      mirror: "http://mirror.example.invalid/debian",
      securityMirror: "http://mirror.example.invalid/debian-security",
    });
  });

  test("for another suite, uses the host's Debian archive entries (keyring or /debian path)", async () => {
    const root = await fakeRoot({
      "etc/apt/sources.list":
        "deb [signed-by=/usr/share/keyrings/nodesource.gpg] https://deb.nodesource.example.invalid/node nodistro main\n",
      "etc/apt/sources.list.d/debian.sources": DEB822,
    });
    expect(await hostDebianMirrors("trixie", root)).toEqual({
      mirror: "http://mirror.example.invalid/debian",
      securityMirror: "http://mirror.example.invalid/debian-security",
    });
  });

  test("finds nothing on a host without Debian sources (a clear error is the caller's job)", async () => {
    const ubuntuLike = await fakeRoot({
      "etc/apt/sources.list": "deb http://archive.example.invalid/ubuntu noble main\n",
    });
    expect(await hostDebianMirrors("trixie", ubuntuLike)).toEqual({
      mirror: null,
      securityMirror: null,
    });
    expect(await hostDebianMirrors("trixie", await fakeRoot({}))).toEqual({
      mirror: null,
      securityMirror: null,
    });
  });

  test("skips disabled, source-only, non-main and non-HTTP entries", () => {
    const entries = [
      ...parseOneLineSources(
        "deb-src http://src.example.invalid/debian trixie main\ndeb cdrom:[Debian]/ trixie main\ndeb http://contrib.example.invalid/debian trixie contrib\n",
        "a",
      ),
      ...parseDeb822Sources(
        "Types: deb\nURIs: http://off.example.invalid/debian\nSuites: trixie\nComponents: main\nEnabled: no\n",
        "b",
      ),
      ...parseOneLineSources("deb https://ok.example.invalid/debian trixie main\n", "c"),
    ];
    expect(findDebianMirrors(entries, "trixie").mirror).toBe("https://ok.example.invalid/debian");
  });
});

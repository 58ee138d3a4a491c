// One Debian package of a standalone executable: a staged tree (the executable as /usr/bin/qus,
// the man page, bash/zsh/fish completion, the JSON schemas, copyright, changelog, examples) built
// with `dpkg-deb --build --root-owner-group`. Only glibc and the C++ runtime are needed from the
// host: the embedded Node binary links against them (versions found with objdump -T).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { releaseCacheDir } from "./node-runtime.mjs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";

/** Debian's name for each executable's architecture. */
export const DEB_ARCH = { x64: "amd64", arm64: "arm64" };

// What the embedded Node binary needs (objdump -T: GLIBC_2.28 at most, GLIBCXX_3.4.21, libatomic).
const DEPENDS = "libc6 (>= 2.28), libstdc++6 (>= 5), libgcc-s1, libatomic1";

function write(root, path, content, mode = 0o644) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** The Debian changelog of a native package (its only entry: this version). */
function changelog(meta, date) {
  return `qus (${meta.version}) unstable; urgency=medium\n\n  * Release ${meta.version}.\n\n -- ${meta.maintainer}  ${date.toUTCString().replace("GMT", "+0000")}\n`;
}

/** The machine-readable (DEP-5) copyright file. */
function copyright(meta, license) {
  const body = license
    .split("\n")
    .map((line) => (line.trim() === "" ? " ." : ` ${line}`))
    .join("\n");
  return [
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
    "Upstream-Name: qus",
    `Source: ${meta.homepage}`,
    "",
    "Files: *",
    `Copyright: ${meta.copyright}`,
    "License: Expat",
    body,
    "",
    "Files: usr/bin/qus",
    "Copyright: Node.js contributors and the authors of the bundled npm packages",
    "Comment: The executable embeds the official Node.js binary and qus's npm dependencies, all",
    " under MIT-style or similar permissive licenses (see their notices in the executable).",
    "License: Expat",
    " See the Expat license text above.",
    "",
  ].join("\n");
}

/**
 * Builds `qus_<version>_<debarch>.deb` into `outDir` from the executable and the generated
 * documents (`docs`: { man, bash, zsh, fish }); returns its path.
 */
export function buildDeb({ arch, executable, docs, meta, root, outDir, date }) {
  const debArch = DEB_ARCH[arch];
  const stage = mkdtempSync(join(outDir, `.deb-${debArch}-`));
  try {
    cpSync(executable, join(stage, "usr/bin/qus"));
    chmodSync(join(stage, "usr/bin/qus"), 0o755);
    // lintian finds Node's own statically linked copies of zlib and mbedtls in the executable:
    // it is the official Node.js binary, which qus cannot relink against the system's libraries.
    write(
      stage,
      "usr/share/lintian/overrides/qus",
      [
        "# /usr/bin/qus is the official Node.js binary (a single executable application), which",
        "# links its own zlib and mbedtls statically; it cannot be rebuilt against the system's.",
        "qus: embedded-library mbedtls [usr/bin/qus]",
        "qus: embedded-library zlib [usr/bin/qus]",
        "",
      ].join("\n"),
    );
    write(stage, "usr/share/man/man1/qus.1.gz", gzipSync(docs.man, { level: 9 }));
    write(stage, "usr/share/bash-completion/completions/qus", docs.bash);
    write(stage, "usr/share/zsh/vendor-completions/_qus", docs.zsh);
    write(stage, "usr/share/fish/vendor_completions.d/qus.fish", docs.fish);
    for (const schema of readdirSync(join(root, "schemas"))) {
      write(stage, `usr/share/qus/schemas/${schema}`, readFileSync(join(root, "schemas", schema)));
    }
    for (const file of files(join(root, "examples"))) {
      write(
        stage,
        `usr/share/doc/qus/examples/${relative(join(root, "examples"), file)}`,
        readFileSync(file),
      );
    }
    write(
      stage,
      "usr/share/doc/qus/copyright",
      copyright(meta, readFileSync(join(root, "LICENSE"), "utf8")),
    );
    write(stage, "usr/share/doc/qus/changelog.gz", gzipSync(changelog(meta, date), { level: 9 }));
    const payload = files(stage).filter((path) => !relative(stage, path).startsWith("DEBIAN"));
    const md5sums = payload
      .map(
        (path) =>
          `${createHash("md5").update(readFileSync(path)).digest("hex")}  ${relative(stage, path)}\n`,
      )
      .sort()
      .join("");
    write(stage, "DEBIAN/md5sums", md5sums);
    const installedKb = Math.ceil(
      payload.reduce((sum, path) => sum + statSync(path).size, 0) / 1024,
    );
    write(
      stage,
      "DEBIAN/control",
      [
        "Package: qus",
        `Version: ${meta.version}`,
        `Architecture: ${debArch}`,
        `Maintainer: ${meta.maintainer}`,
        `Installed-Size: ${installedKb}`,
        `Depends: ${DEPENDS}`,
        "Recommends: qemu-user-static | qemu-user",
        "Section: admin",
        "Priority: optional",
        `Homepage: ${meta.homepage}`,
        `Description: ${meta.summary}`,
        ...meta.longDescription.map((line) => ` ${line}`),
        "",
      ].join("\n"),
    );
    for (const dir of [
      stage,
      ...readdirSync(stage, { recursive: true }).map((n) => join(stage, n)),
    ]) {
      if (statSync(dir).isDirectory()) chmodSync(dir, 0o755);
    }
    const deb = join(outDir, `qus_${meta.version}_${debArch}.deb`);
    // Compressing 120 MB is the slow part: a package whose every file and control field is
    // unchanged (md5sums + control) is taken from the cache outside the clone.
    const key = createHash("sha256")
      .update(md5sums)
      .update(readFileSync(join(stage, "DEBIAN/control")))
      .digest("hex");
    const cached = join(releaseCacheDir(), "debs", `${key.slice(0, 24)}.deb`);
    if (!existsSync(cached)) {
      mkdirSync(dirname(cached), { recursive: true });
      // xz level 1: a quarter of the default's time for a package 15% larger.
      execFileSync(
        "dpkg-deb",
        ["--build", "--root-owner-group", "-Zxz", "-z1", stage, `${cached}.tmp`],
        {
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      renameSync(`${cached}.tmp`, cached);
    }
    copyFileSync(cached, deb);
    return deb;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

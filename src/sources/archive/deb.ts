// The layout of a Debian binary package: an ar archive whose first member is `debian-binary`
// ("2.0\n") and which holds one `data.tar[.xz|.zst|.gz]` member with the files, and one
// `control.tar[...]` with the package's metadata (its md5sums serve extract-blocks.ts).
import { ArFormatError, listArMembers, type ArMember } from "./ar.js";
import type { ByteSource } from "./byte-source.js";
import type { Compression } from "./decompress.js";

/** Where a package's file tree is and how it is compressed; the control member (maintainer scripts, md5sums) when readable. */
export interface DebLayout {
  readonly data: ArMember;
  readonly compression: Compression;
  readonly control: { readonly member: ArMember; readonly compression: Compression } | null;
}

const SUFFIXES: ReadonlyMap<string, Compression> = new Map([
  ["", "none"],
  [".xz", "xz"],
  [".zst", "zstd"],
  [".gz", "gzip"],
]);

/** The compression of `<base>[.xz|.zst|.gz]`; undefined for another name or suffix. */
function compressionOf(name: string, base: string): Compression | undefined {
  return name.startsWith(base) ? SUFFIXES.get(name.slice(base.length)) : undefined;
}

/** Finds the data member of a .deb; throws ArFormatError when the package layout is not Debian's. */
export async function readDebLayout(source: ByteSource): Promise<DebLayout> {
  const members = await listArMembers(source);
  const first = members[0];
  if (first === undefined || first.name !== "debian-binary") {
    throw new ArFormatError(
      `not a Debian package: first member is ${JSON.stringify(first?.name ?? "(none)")}, not "debian-binary"`,
    );
  }
  const version = Buffer.from(await source.read(first.offset, Math.min(first.size, 16))).toString(
    "latin1",
  );
  if (!version.startsWith("2."))
    throw new ArFormatError(`unsupported Debian package format ${JSON.stringify(version.trim())}`);
  const data = members.filter((member) => member.name.startsWith("data.tar"));
  if (data.length !== 1)
    throw new ArFormatError(`expected one data.tar member, found ${data.length}`);
  const member = data[0] as ArMember;
  const compression = compressionOf(member.name, "data.tar");
  if (compression === undefined) {
    throw new ArFormatError(
      `${member.name} uses a compression qus does not read (it reads data.tar, .xz, .zst and .gz)`,
    );
  }
  const controls = members.filter((m) => m.name.startsWith("control.tar"));
  const controlCompression =
    controls.length === 1
      ? compressionOf((controls[0] as ArMember).name, "control.tar")
      : undefined;
  const control =
    controlCompression === undefined
      ? null
      : { member: controls[0] as ArMember, compression: controlCompression };
  return { data: member, compression, control };
}

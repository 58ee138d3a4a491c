// The layout of a Debian binary package: an ar archive whose first member is `debian-binary`
// ("2.0\n") and which holds one `data.tar[.xz|.zst|.gz]` member with the files.
import { ArFormatError, listArMembers, type ArMember } from "./ar.js";
import type { ByteSource } from "./byte-source.js";
import type { Compression } from "./decompress.js";

/** Where a package's file tree is and how it is compressed. */
export interface DebLayout {
  readonly data: ArMember;
  readonly compression: Compression;
}

const DATA_MEMBERS: ReadonlyMap<string, Compression> = new Map([
  ["data.tar", "none"],
  ["data.tar.xz", "xz"],
  ["data.tar.zst", "zstd"],
  ["data.tar.gz", "gzip"],
]);

/** Finds the data member of a .deb; throws ArFormatError when the package layout is not Debian's. */
export async function readDebLayout(source: ByteSource): Promise<DebLayout> {
  const members = await listArMembers(source);
  const first = members[0];
  if (first === undefined || first.name !== "debian-binary") {
    throw new ArFormatError(`not a Debian package: first member is ${JSON.stringify(first?.name ?? "(none)")}, not "debian-binary"`);
  }
  const version = Buffer.from(await source.read(first.offset, Math.min(first.size, 16))).toString("latin1");
  if (!version.startsWith("2.")) throw new ArFormatError(`unsupported Debian package format ${JSON.stringify(version.trim())}`);
  const data = members.filter((member) => member.name.startsWith("data.tar"));
  if (data.length !== 1) throw new ArFormatError(`expected one data.tar member, found ${data.length}`);
  const member = data[0] as ArMember;
  const compression = DATA_MEMBERS.get(member.name);
  if (compression === undefined) {
    throw new ArFormatError(`${member.name} uses a compression qus does not read (it reads data.tar, .xz, .zst and .gz)`);
  }
  return { data: member, compression };
}

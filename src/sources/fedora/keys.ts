// The OpenPGP keys trusted to sign Fedora packages: the config's `key` (a file, or the armored
// key itself), else the release key Fedora installs under /etc/pki/rpm-gpg when present. openpgp
// is loaded on first use: a run that needs no package never pays for it.
import { readFile } from "node:fs/promises";
import { SourceError } from "../../errors.js";

type OpenPgp = typeof import("openpgp");
/** An OpenPGP public key as openpgp reads it. */
export type PublicKey = Awaited<ReturnType<OpenPgp["readKeys"]>>[number];

/** Keys and where they came from (for messages). */
export interface TrustedKeys {
  readonly origin: string;
  readonly keys: readonly PublicKey[];
}

let openpgpModule: Promise<OpenPgp> | undefined;

/** The openpgp module, imported once. */
export function loadOpenPgp(): Promise<OpenPgp> {
  openpgpModule ??= import("openpgp");
  return openpgpModule;
}

/** True when the config's key is the armored key itself rather than a file name. */
export function isArmoredKey(key: string): boolean {
  return key.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----");
}

/** Reads keys from armored text or binary bytes; `origin` names them in errors. */
export async function parseKeys(bytes: Uint8Array, origin: string): Promise<TrustedKeys> {
  const openpgp = await loadOpenPgp();
  try {
    const text = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
    const keys = text.includes("-----BEGIN PGP")
      ? await openpgp.readKeys({ armoredKeys: Buffer.from(bytes).toString("utf8") })
      : await openpgp.readKeys({ binaryKeys: bytes });
    if (keys.length === 0) throw new Error("no keys");
    return { origin, keys };
  } catch (error) {
    throw new SourceError(
      `${origin} holds no readable OpenPGP public key (${(error as Error).message})`,
      {
        cause: error,
        hint: "set source.key to Fedora's release key file (RPM-GPG-KEY-fedora-<N>-primary) or its armored text",
      },
    );
  }
}

/** Loads the configured key: armored text as is, anything else as a file path. */
export async function loadTrustedKeys(key: string): Promise<TrustedKeys> {
  if (isArmoredKey(key)) return parseKeys(Buffer.from(key, "utf8"), "source.key");
  let bytes: Buffer;
  try {
    bytes = await readFile(key);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SourceError(`Cannot read the Fedora key ${key} (${code})`, {
      cause: error,
      hint: "set source.key to Fedora's release key file or its armored text (fedora-gpg-keys installs them in /etc/pki/rpm-gpg)",
    });
  }
  return parseKeys(bytes, `key file ${key}`);
}

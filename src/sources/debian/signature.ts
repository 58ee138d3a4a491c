// Verifies a clear-signed InRelease the way apt does: it is trusted when at least one of its
// signatures was made by a key in the keyring (Debian signs with several keys, and a keyring
// may lack some of them). Only the signed text is returned, so nothing outside the signature
// can reach the parser. openpgp is loaded on first use: a run that needs no network never pays for it.
import { readFile } from "node:fs/promises";
import { SourceError } from "../../errors.js";

type OpenPgp = typeof import("openpgp");
type PublicKey = Awaited<ReturnType<OpenPgp["readKeys"]>>[number];

/** Keys trusted to sign archive metadata. */
export interface Keyring {
  readonly path: string;
  readonly keys: readonly PublicKey[];
}

let openpgpModule: Promise<OpenPgp> | undefined;

function loadOpenPgp(): Promise<OpenPgp> {
  openpgpModule ??= import("openpgp");
  return openpgpModule;
}

/** Reads a keyring file: binary (the .gpg files in /usr/share/keyrings) or ASCII-armoured. */
export async function loadKeyring(path: string): Promise<Keyring> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SourceError(`Cannot read the keyring ${path} (${code})`, {
      cause: error,
      hint:
        code === "ENOENT"
          ? "install debian-archive-keyring, or set source.keyring to a keyring with Debian's archive keys"
          : undefined,
    });
  }
  const openpgp = await loadOpenPgp();
  try {
    const armoured = bytes.subarray(0, 64).toString("latin1").includes("-----BEGIN PGP");
    const keys = armoured
      ? await openpgp.readKeys({ armoredKeys: bytes.toString("utf8") })
      : await openpgp.readKeys({ binaryKeys: new Uint8Array(bytes) });
    if (keys.length === 0) throw new Error("no keys");
    return { path, keys };
  } catch (error) {
    throw new SourceError(
      `The keyring ${path} holds no readable OpenPGP public keys (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * Verifies clear-signed text against the keyring and returns the signed text. `where` (a URL or
 * path) names the file in the error when no signature verifies; `onSigner` hears the ID of the key
 * whose signature verified.
 */
export async function verifyClearSigned(
  text: string,
  keyring: Keyring,
  where: string,
  onSigner?: (keyId: string) => void,
): Promise<string> {
  const openpgp = await loadOpenPgp();
  let message;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  } catch (error) {
    throw new SourceError(
      `${where} is not a clear-signed OpenPGP message (${(error as Error).message})`,
      { cause: error },
    );
  }
  let result;
  try {
    result = await openpgp.verify({
      message,
      verificationKeys: [...keyring.keys],
      expectSigned: false,
    });
  } catch (error) {
    throw new SourceError(
      `The signature of ${where} cannot be checked (${(error as Error).message})`,
      { cause: error },
    );
  }
  const problems: string[] = [];
  for (const signature of result.signatures) {
    try {
      await signature.verified;
      onSigner?.(signature.keyID.toHex().toUpperCase());
      return result.data;
    } catch (error) {
      problems.push(`key ${signature.keyID.toHex()}: ${(error as Error).message}`);
    }
  }
  throw new SourceError(
    `No valid signature from a trusted key on ${where} (keyring ${keyring.path})`,
    {
      hint:
        problems.length > 0
          ? `signatures found: ${problems.join("; ")}`
          : "the file carries no signature",
    },
  );
}

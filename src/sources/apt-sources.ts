// Finds the Debian mirror this host already uses, from its APT sources (one-line *.list files
// and deb822 *.sources files), so a Debian source needs no `mirror:` on a Debian host. `rootDir`
// lets tests point it at synthetic files; qus never writes a mirror name of its own.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDeb822 } from "./debian/deb822.js";

/** One APT source entry, normalised from either file format. */
export interface AptSourceEntry {
  readonly file: string;
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  readonly signedBy: string | undefined;
  readonly enabled: boolean;
}

/** The mirrors found for a suite; null where none qualifies. */
export interface AptDebianMirrors {
  readonly mirror: string | null;
  readonly securityMirror: string | null;
}

function words(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((w) => w !== "");
}

/** Parses a one-line-style file (`deb [opts] uri suite components...`); bad lines are skipped like apt warns. */
export function parseOneLineSources(text: string, file: string): AptSourceEntry[] {
  const entries: AptSourceEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    let rest = line;
    const type = /^(\S+)\s+/.exec(rest);
    if (type === null) continue;
    rest = rest.slice(type[0].length);
    const options = new Map<string, string>();
    const bracket = /^\[([^\]]*)\]\s*/.exec(rest);
    if (bracket !== null) {
      for (const option of words(bracket[1])) {
        const eq = option.indexOf("=");
        if (eq > 0) options.set(option.slice(0, eq).toLowerCase(), option.slice(eq + 1));
      }
      rest = rest.slice(bracket[0].length);
    }
    const [uri, suite, ...components] = words(rest);
    if (uri === undefined || suite === undefined) continue;
    entries.push({
      file,
      types: [type[1] as string],
      uris: [uri],
      suites: [suite],
      components,
      signedBy: options.get("signed-by"),
      enabled: true,
    });
  }
  return entries;
}

/** Parses a deb822-style *.sources file; a malformed file yields no entries (apt would refuse it). */
export function parseDeb822Sources(text: string, file: string): AptSourceEntry[] {
  let stanzas;
  try {
    stanzas = parseDeb822(text, { allowComments: true });
  } catch {
    return [];
  }
  return stanzas.map((stanza) => ({
    file,
    types: words(stanza.get("Types")),
    uris: words(stanza.get("URIs")),
    suites: words(stanza.get("Suites")),
    components: words(stanza.get("Components")),
    signedBy: stanza.get("Signed-By"),
    enabled: (stanza.get("Enabled") ?? "yes").trim().toLowerCase() !== "no",
  }));
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return null;
  }
}

/** Reads every APT source under `rootDir` in apt's order: sources.list, then sources.list.d sorted. */
export async function readAptSources(rootDir = "/"): Promise<AptSourceEntry[]> {
  const etc = join(rootDir, "etc", "apt");
  const entries: AptSourceEntry[] = [];
  const main = await readText(join(etc, "sources.list"));
  if (main !== null) entries.push(...parseOneLineSources(main, join(etc, "sources.list")));
  const partsDir = join(etc, "sources.list.d");
  const names = (await readdir(partsDir).catch(() => [] as string[])).sort();
  for (const name of names) {
    const path = join(partsDir, name);
    if (name.endsWith(".list")) {
      const text = await readText(path);
      if (text !== null) entries.push(...parseOneLineSources(text, path));
    } else if (name.endsWith(".sources")) {
      const text = await readText(path);
      if (text !== null) entries.push(...parseDeb822Sources(text, path));
    }
  }
  return entries;
}

function isHttp(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

function uriPath(uri: string): string {
  try {
    return new URL(uri).pathname.replace(/\/+$/, "");
  } catch {
    return "";
  }
}

function usable(entry: AptSourceEntry): boolean {
  return (
    entry.enabled &&
    entry.types.includes("deb") &&
    entry.components.some((c) => c === "main" || c === "updates/main")
  );
}

// Signs that an entry is Debian's archive rather than a third-party repository that also has a
// "main" component: Debian's keyring, or a path Debian mirrors use.
function looksLikeDebian(entry: AptSourceEntry, uri: string, security: boolean): boolean {
  if (entry.signedBy?.includes("debian-archive-keyring") === true) return true;
  return uriPath(uri).endsWith(security ? "/debian-security" : "/debian");
}

/**
 * Picks the mirror for `suite` and for `<suite>-security`: an entry listing exactly that suite
 * wins; otherwise the first entry that is recognisably Debian's archive.
 */
export function findDebianMirrors(
  entries: readonly AptSourceEntry[],
  suite: string,
): AptDebianMirrors {
  const candidates = entries.filter(usable);
  const securitySuite = `${suite}-security`;
  const pick = (security: boolean): string | null => {
    const wanted = security ? securitySuite : suite;
    for (const entry of candidates) {
      const uri = entry.uris.find(isHttp);
      if (uri !== undefined && entry.suites.includes(wanted)) return uri;
    }
    for (const entry of candidates) {
      const uri = entry.uris.find(isHttp);
      if (uri === undefined) continue;
      const isSecurityEntry = entry.suites.some((s) => s.endsWith("-security"));
      if (isSecurityEntry === security && looksLikeDebian(entry, uri, security)) return uri;
    }
    return null;
  };
  return { mirror: pick(false), securityMirror: pick(true) };
}

/** The host's Debian mirrors for `suite`, from the APT sources under `rootDir`. */
export async function hostDebianMirrors(suite: string, rootDir = "/"): Promise<AptDebianMirrors> {
  return findDebianMirrors(await readAptSources(rootDir), suite);
}

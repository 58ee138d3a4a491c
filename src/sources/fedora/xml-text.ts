// The little XML qus needs to read repodata: attribute values and element text with the five
// predefined entities and numeric character references decoded. Repodata is machine-written
// and flat, so a field scraper is enough; it never builds a document (primary.xml is huge). Pure.

/** Decodes the predefined entities and numeric character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);/g, (_, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[name] as string;
  });
}

/** The attributes of the first `<name ...>` start tag in `xml`; null when there is none. */
export function attributesOf(xml: string, element: string): Map<string, string> | null {
  const match = new RegExp(`<${element}(\\s[^>]*)?/?>`).exec(xml);
  if (match === null) return null;
  const attributes = new Map<string, string>();
  for (const attr of (match[1] ?? "").matchAll(
    /([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g,
  )) {
    attributes.set(attr[1] as string, decodeXmlText(attr[2] ?? attr[3] ?? ""));
  }
  return attributes;
}

/** The text of the first `<name>text</name>` in `xml` (trimmed); null when there is none. */
export function textOf(xml: string, element: string): string | null {
  const match = new RegExp(`<${element}(?:\\s[^>]*)?>([^<]*)</${element}>`).exec(xml);
  return match === null ? null : decodeXmlText(match[1] as string).trim();
}

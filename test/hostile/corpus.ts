// What qus must say about each hostile config in test/hostile/configs/: where the first problem
// is (line:column, or only the file when the format has no positions) and what it is about.
// TypeScript files are stored as `*.ts.txt` so the project's typecheck never compiles them; the
// test copies them back to `*.ts`. `*.package.json` files are copied as `package.json`.

/** One corpus file and the message users rely on. */
export interface HostileCase {
  readonly file: string;
  /**
   * Where the first problem is reported: "line:column", "line" (any column), "file" (the file
   * name alone: JS/TS configs have no positions), or null when the file is named in the sentence.
   */
  readonly at: string | null;
  readonly says: RegExp;
}

const file = "file";

/** Every file under configs/, with its expected message. */
export const HOSTILE_CASES: readonly HostileCase[] = [
  // Wrong types.
  { file: "01-root-is-a-list.yaml", at: "1:1", says: /expected an object, found a list/ },
  {
    file: "02-root-is-a-string.yaml",
    at: "1:1",
    says: /expected an object, found "just a string"/,
  },
  { file: "03-root-is-a-number.json", at: "1:1", says: /expected an object, found the number 42/ },
  { file: "04-empty-file.yaml", at: file, says: /the config is empty/ },
  { file: "05-root-is-null.json", at: "1:1", says: /the config is empty/ },
  { file: "06-targets-is-a-string.yaml", at: "1:10", says: /targets: expected a list/ },
  {
    file: "07-targets-is-a-map.yaml",
    at: "2:3",
    says: /targets: expected a list, found an object/,
  },
  {
    file: "08-target-is-a-number.yaml",
    at: "1:20",
    says: /targets\[1\]: expected a string or an object, found the number 64/,
  },
  { file: "09-target-is-null.yaml", at: "3:5", says: /targets\[1\]: .*found null/ },
  {
    file: "10-target-object-without-name.yaml",
    at: "2:5",
    says: /targets\[0\]: missing required key "name"/,
  },
  {
    file: "11-target-name-is-a-list.json",
    at: "2:25",
    says: /targets\[0\]\.name: expected a string, found a list/,
  },
  {
    file: "12-flags-is-a-number.yaml",
    at: "2:8",
    says: /flags: expected a string, found the number 7/,
  },
  { file: "13-flags-is-a-list.yaml", at: "2:8", says: /flags: expected a string, found a list/ },
  {
    file: "14-allow-credentials-is-a-string.yaml",
    at: "2:19",
    says: /allowCredentials: expected true or false, found "yes"/,
  },
  {
    file: "15-prune-is-a-number.json",
    at: "3:12",
    says: /prune: expected true or false, found the number 1/,
  },
  {
    file: "16-source-is-a-string.yaml",
    at: "2:9",
    says: /source: expected an object, found "local"/,
  },
  { file: "17-source-without-type.yaml", at: "2:1", says: /source: missing required key "type"/ },
  { file: "18-source-type-unknown.yaml", at: "3:9", says: /source\.type: .*"ftp"/ },
  {
    file: "19-local-source-without-path.yaml",
    at: "2:1",
    says: /source: missing required key "path"/,
  },
  { file: "20-local-path-is-a-number.yaml", at: "4:9", says: /source\.path: expected a string/ },
  {
    file: "21-enabled-is-a-string.yaml",
    at: "3:14",
    says: /targets\[0\]\.enabled: expected true or false, found "false"/,
  },
  {
    file: "22-host-family-is-a-number.yaml",
    at: "3:17",
    says: /targets\[0\]\.hostFamily: expected true or false/,
  },
  // Unknown keys, including ones that pollute prototypes or merge other files elsewhere.
  {
    file: "23-unknown-top-level-key.yaml",
    at: "3:1",
    says: /unknown key "prefx" \(did you mean "prefix"\?/,
  },
  { file: "24-unknown-key-in-target.yaml", at: "3:5", says: /targets\[0\]: unknown key "flag"/ },
  { file: "25-unknown-key-in-source.yaml", at: "5:3", says: /source: unknown key "paths"/ },
  { file: "26-proto-key.json", at: "4:3", says: /unknown key "__proto__"/ },
  { file: "27-constructor-key.yaml", at: "3:1", says: /unknown key "constructor"/ },
  { file: "28-yaml-merge-key.yaml", at: "1:1", says: /source: missing required key "type"/ },
  { file: "29-import-key.yaml", at: "2:1", says: /unknown key "\$import"/ },
  { file: "30-debian-source-with-local-keys.yaml", at: "5:3", says: /source: unknown key "path"/ },
  // Bad names.
  {
    file: "31-unknown-target.yaml",
    at: "1:20",
    says: /unknown target "aarch46" \(did you mean "aarch64"\?\)/,
  },
  {
    file: "32-empty-target-name.yaml",
    at: "1:11",
    says: /targets\[0\]: expected a non-empty string/,
  },
  {
    file: "33-target-path-traversal.yaml",
    at: "1:11",
    says: /unknown target "\.\.\/\.\.\/\.\.\/usr\/bin\/aarch64"/,
  },
  {
    file: "34-duplicate-target-by-alias.yaml",
    at: "3:5",
    says: /"arm64" means aarch64, which is already listed as targets\[0\]/,
  },
  { file: "35-prefix-with-slash.yaml", at: "2:9", says: /prefix: .*found "qemu\/"/ },
  { file: "36-empty-prefix.yaml", at: "2:9", says: /prefix: .*found ""/ },
  { file: "37-prefix-too-long.yaml", at: "2:9", says: /prefix: expected a name of 1 to 32/ },
  { file: "38-target-cyrillic-homoglyph.yaml", at: "1:11", says: /unknown target "\u0430arch64"/ },
  { file: "39-prefix-dot-dot.yaml", at: "2:9", says: /prefix: .*found "\.\."/ },
  {
    file: "40-suite-path-traversal.yaml",
    at: "4:10",
    says: /source\.suite: .*"\.\.\/\.\.\/\.\.\/etc"/,
  },
  {
    file: "41-version-shell-injection.yaml",
    at: "5:12",
    says: /source\.version: .*"1\.0; rm -rf \/"/,
  },
  { file: "42-pattern-path-traversal.yaml", at: "5:12", says: /source\.pattern: .*no "\/"/ },
  {
    file: "43-pattern-without-placeholder.yaml",
    at: "5:13",
    says: /source\.pattern\[0\]: .*"\{target\}"/,
  },
  {
    file: "44-mirror-file-url.yaml",
    at: "5:11",
    says: /source\.mirror: expected an http:\/\/ or https:\/\/ URL/,
  },
  { file: "45-mirror-without-host.yaml", at: "5:11", says: /source\.mirror: .*not a valid URL/ },
  // Injected ":" and newlines: the register line is ":"-delimited and written as one line.
  {
    file: "46-install-dir-with-colon.yaml",
    at: "3:13",
    says: /installDir: expected a path without ":"/,
  },
  {
    file: "47-install-dir-with-newline.yaml",
    at: "3:13",
    says: /installDir: expected a path without ":", line breaks/,
  },
  { file: "48-prefix-with-colon.yaml", at: "2:9", says: /prefix: / },
  { file: "49-prefix-with-newline.json", at: "3:13", says: /prefix: .*found "qemu\\n-1"/ },
  {
    file: "50-target-with-register-line.yaml",
    at: "1:11",
    says: /targets\[0\]: unknown target "aarch64:M::/,
  },
  {
    file: "51-flags-with-newline.yaml",
    at: "2:8",
    says: /flags: expected only the flag letters P, O, C and F/,
  },
  {
    file: "52-flags-lowercase.yaml",
    at: "2:8",
    says: /flags: expected only the flag letters P, O, C and F \(upper case\), found "pof"/,
  },
  {
    file: "53-flags-repeated.yaml",
    at: "3:12",
    says: /targets\[0\]\.flags: "P" and "F" appear more than once/,
  },
  {
    file: "54-credentials-without-consent.yaml",
    at: "4:12",
    says: /targets\[1\]\.flags: "C" \(credentials\).*allowCredentials: true/,
  },
  {
    file: "55-state-file-with-nul.json",
    at: "4:16",
    says: /stateFile: expected a path without line breaks or NUL characters/,
  },
  {
    file: "56-binfmt-dir-with-carriage-return.yaml",
    at: "2:12",
    says: /binfmtDir: expected a path without line breaks/,
  },
  {
    file: "57-keyring-with-newline.yaml",
    at: "5:12",
    says: /source\.keyring: expected a path without line breaks/,
  },
  { file: "58-flags-with-space.yaml", at: "2:8", says: /flags: expected only the flag letters/ },
  // Huge values: refused by their size, without echoing them back in full.
  {
    file: "59-huge-target-name.yaml",
    at: "1:11",
    says: /targets\[0\]: expected at most 64 characters, found 100000/,
  },
  {
    file: "60-thousand-targets.yaml",
    at: "2:3",
    says: /targets: expected at most 64 entries, found 1000/,
  },
  {
    file: "61-huge-install-dir.yaml",
    at: "3:13",
    says: /installDir: expected at most 512 characters/,
  },
  {
    file: "62-number-overflows-to-infinity.json",
    at: "3:12",
    says: /prune: expected true or false, found the number Infinity/,
  },
  { file: "63-deeply-nested-lists.yaml", at: "1", says: /invalid YAML: .*(nest|deep|call stack)/i },
  {
    file: "64-deeply-nested-json.json",
    at: "2",
    says: /targets\[0\]: expected a string or an object, found a list/,
  },
  {
    file: "65-huge-version-pin.yaml",
    at: "5:12",
    says: /source\.version: expected at most 128 characters/,
  },
  {
    file: "66-huge-flags.yaml",
    at: "2:8",
    says: /flags: expected at most 8 characters, found 50000/,
  },
  // Wrong encodings and binary data.
  { file: "67-utf16le-with-bom.yaml", at: "1:1", says: /expected an object|UTF-16/ },
  { file: "68-utf16be-with-bom.json", at: "1:1", says: /invalid JSON|UTF-16/ },
  { file: "69-latin1-target.yaml", at: "1:20", says: /targets\[1\]: unknown target "caf\uFFFD"/ },
  { file: "70-nul-byte-inside.yaml", at: "1:1", says: /missing required key "source"/ },
  { file: "71-binary-garbage.yaml", at: "1:1", says: /expected an object|invalid YAML/ },
  { file: "72-gzip-data.json", at: "1:1", says: /invalid JSON/ },
  { file: "73-crlf-with-unknown-key.yaml", at: "4:1", says: /unknown key "purne"/ },
  { file: "74-utf32le-with-bom.yaml", at: "1:1", says: /expected an object|UTF-32/ },
  // Syntax.
  { file: "75-json-with-comments.json", at: "2:3", says: /invalid JSON/ },
  {
    file: "76-json-trailing-comma.json",
    at: "3:46",
    says: /invalid JSON: trailing comma before '\}'/,
  },
  { file: "77-json-duplicate-key.json", at: "4:3", says: /the same key appears twice/ },
  { file: "78-yaml-duplicate-key.yaml", at: "3:1", says: /invalid YAML: .*unique/ },
  { file: "79-yaml-tab-indentation.yaml", at: "2:1", says: /invalid YAML: Tabs/ },
  {
    file: "80-yaml-two-documents.yaml",
    at: "3:1",
    says: /invalid YAML: the file holds more than one YAML document/,
  },
  { file: "81-yaml-unclosed-quote.yaml", at: "3:1", says: /invalid YAML: Missing closing "quote/ },
  // YAML alias bombs, unresolved aliases and language-specific tags.
  { file: "82-billion-laughs.yaml", at: "1:1", says: /alias bomb/ },
  { file: "83-alias-fan-out.yaml", at: "1:1", says: /alias bomb/ },
  {
    file: "84-alias-before-anchor.yaml",
    at: "1",
    says: /unresolved alias|anchor must be (set|defined) before/i,
  },
  {
    file: "85-js-function-tag.yaml",
    at: "1:10",
    says: /invalid YAML: Unresolved tag: .*js\/function/,
  },
  {
    file: "86-python-object-tag.yaml",
    at: "2:9",
    says: /invalid YAML: Unresolved tag: .*python\/object/,
  },
  { file: "87-binary-tag.yaml", at: "2:38", says: /source\.path: expected a string/ },
  {
    file: "88-self-referencing-anchor.yaml",
    at: "1:13",
    says: /targets\[1\]: expected a string or an object, found a list/,
  },
  // Code configs that throw, export the wrong thing, or do not parse.
  {
    file: "89-ts-throws-at-load.ts.txt",
    at: file,
    says: /loading the config failed: refusing to build the config on this host/,
  },
  {
    file: "90-ts-throws-null-prototype-object.ts.txt",
    at: file,
    says: /loading the config failed/,
  },
  {
    file: "91-ts-throws-object-with-throwing-tostring.ts.txt",
    at: file,
    says: /loading the config failed/,
  },
  {
    file: "92-ts-default-export-is-a-function.ts.txt",
    at: file,
    says: /the default export is a function/,
  },
  {
    file: "93-ts-default-export-rejects.ts.txt",
    at: file,
    says: /loading the config failed: TypeError: no config for you/,
  },
  { file: "94-ts-getter-throws.ts.txt", at: file, says: /not plain data.*source getter exploded/ },
  { file: "95-ts-syntax-error.ts.txt", at: "3:9", says: /invalid TypeScript: ',' expected/ },
  { file: "96-ts-no-default-export.ts.txt", at: file, says: /has no default export/ },
  { file: "97-ts-function-valued-field.ts.txt", at: file, says: /not plain data/ },
  {
    file: "98-ts-error-with-fake-stack.ts.txt",
    at: file,
    says: /loading the config failed: config failed$/m,
  },
  {
    file: "99-ts-wrong-types.ts.txt",
    at: file,
    says: /targets: expected a list, found the number 42/,
  },
  { file: "100-ts-proxy-with-throwing-traps.ts.txt", at: file, says: /(get|ownKeys) trap/ },
  {
    file: "101-ts-throws-symbol.ts.txt",
    at: file,
    says: /loading the config failed: Symbol\(not an error\)/,
  },
  {
    file: "102-mjs-throws-at-load.mjs",
    at: file,
    says: /loading the config failed: mjs config refuses to load/,
  },
  {
    file: "103-cjs-throws-at-load.cjs",
    at: file,
    says: /loading the config failed: TypeError: cjs config refuses to load/,
  },
  {
    file: "104-mjs-syntax-error.mjs",
    at: "3:3",
    says: /invalid JavaScript: SyntaxError: Unexpected identifier 'source'/,
  },
  {
    file: "105-mjs-bigint-value.mjs",
    at: file,
    says: /prune: expected true or false, found a bigint/,
  },
  { file: "106-unsupported-extension.toml", at: null, says: /unsupported extension "\.toml"/ },
  {
    file: "107-qus-key-is-a-string.package.json",
    at: "3:10",
    says: /expected an object, found "targets: \[aarch64\]"/,
  },
  // Terminal control sequences in a key must not reach the user's terminal raw.
  { file: "108-terminal-escapes-in-key.yaml", at: "3:1", says: /unknown key/ },
  { file: "109-raw-escape-bytes-in-key.yaml", at: "3:1", says: /unknown key/ },
  // The most common slip in hand-written JSON: V8 gives no position for it on every Node.
  {
    file: "110-json-trailing-comma-in-list.json",
    at: "2:24",
    says: /invalid JSON: trailing comma before '\]'/,
  },
];

/** The name a corpus file gets in its scratch directory (what the user would call it). */
export function installedName(corpusFile: string): string {
  if (corpusFile.endsWith(".package.json")) return "package.json";
  return corpusFile.replace(/\.ts\.txt$/, ".ts");
}

// Which binfmt_misc entry names are safe to write: the name becomes a file in the binfmt_misc
// directory, and two names there ("register", "status") control the whole instance.

/** Files every binfmt_misc instance has; no entry can be called this. */
export const CONTROL_FILES: readonly string[] = ["register", "status"];

/** Entries are files: their names obey the usual limit of 255 bytes. */
export const MAX_NAME_BYTES = 255;

/** Why `name` cannot be a binfmt_misc entry name, or null when it can. */
export function entryNameProblem(name: string): string | null {
  if (name.length === 0) return "the name is empty";
  if (name === "." || name === "..") return `"${name}" is not a file name`;
  if (CONTROL_FILES.includes(name)) return `"${name}" is binfmt_misc's own control file`;
  if (name.includes("/")) return 'the name contains "/"';
  if (name.includes(":")) return 'the name contains ":", the register line\'s field delimiter';
  if (/[\s\x00-\x1f\x7f]/u.test(name))
    return "the name contains white space or a control character";
  if (Buffer.byteLength(name) > MAX_NAME_BYTES)
    return `the name is longer than ${MAX_NAME_BYTES} bytes`;
  return null;
}

// binfmt_misc flags as a set: the kernel prints them in the order P, O, C, F and turns C into
// OC, so configs are normalised the same way and compare equal to what the kernel reads back.

/** The flag letters in the kernel's order. */
export const FLAG_ORDER = ["P", "O", "C", "F"] as const;

/** Letters that appear more than once in `flags` (each reported once, in kernel order). */
export function repeatedFlags(flags: string): string[] {
  return FLAG_ORDER.filter((letter) => flags.split(letter).length > 2);
}

/** Normalises a flag string (letters already checked to be P, O, C, F): kernel order, C adds O. */
export function normaliseFlags(flags: string): string {
  const set = new Set(flags);
  if (set.has("C")) set.add("O");
  return FLAG_ORDER.filter((letter) => set.has(letter)).join("");
}

// Pattern comparison the kernel forces on us: magic bytes under a zero mask never matter.

/** A mask as the kernel applies it: a missing mask means every byte counts. */
export function effectiveMask(magicHex: string, maskHex: string | null): string {
  return maskHex ?? "f".repeat(magicHex.length);
}

/** The magic with every bit outside the mask cleared, so equal patterns compare equal. */
export function maskedMagic(magicHex: string, maskHex: string | null): string {
  const mask = effectiveMask(magicHex, maskHex);
  let out = "";
  for (let i = 0; i < magicHex.length; i += 2) {
    const byte =
      parseInt(magicHex.slice(i, i + 2), 16) & parseInt(mask.slice(i, i + 2) || "ff", 16);
    out += byte.toString(16).padStart(2, "0");
  }
  return out;
}

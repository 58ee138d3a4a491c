// One RPM header structure once its bounds are checked: the tag and type numbers qus reads, and
// typed access to an entry's value that refuses a wrong type, count or size. Pure: no I/O.

/** The bytes are not an RPM package qus can read. */
export class RpmFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpmFormatError";
  }
}

/** Header data types (rpm's rpmTagType). */
export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** The tags qus reads (signature header and main header). */
export const RpmTag = {
  SIG_SIZE: 1000,
  DSAHEADER: 267,
  RSAHEADER: 268,
  SHA1HEADER: 269,
  SHA256HEADER: 273,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  ARCH: 1022,
  PAYLOADFORMAT: 1124,
  PAYLOADCOMPRESSOR: 1125,
  PAYLOADDIGEST: 5092,
  PAYLOADDIGESTALGO: 5093,
  RPMFORMAT: 5114,
} as const;

/** One index entry of a header. */
export interface RpmIndexEntry {
  readonly tag: number;
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

/** A parsed header structure: its exact bytes (magic to end of data) and its entries by tag. */
export class RpmHeader {
  constructor(
    /** Offset of the header's magic in the file. */
    readonly start: number,
    /** The header exactly as stored (what RSAHEADER and SHA256HEADER sign). */
    readonly bytes: Uint8Array,
    readonly entries: ReadonlyMap<number, RpmIndexEntry>,
    private readonly store: Uint8Array,
  ) {}

  /** Offset just past the header's data in the file. */
  get end(): number {
    return this.start + this.bytes.length;
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  private entry(tag: number, types: readonly number[], what: string): RpmIndexEntry | undefined {
    const entry = this.entries.get(tag);
    if (entry === undefined) return undefined;
    if (!types.includes(entry.type))
      throw new RpmFormatError(
        `tag ${tag} (${what}) has type ${entry.type}, expected ${types.join(" or ")}`,
      );
    return entry;
  }

  /** A STRING (or the first of a STRING_ARRAY / I18NSTRING); undefined when absent. */
  string(tag: number): string | undefined {
    const entry = this.entry(
      tag,
      [RpmType.STRING, RpmType.STRING_ARRAY, RpmType.I18NSTRING],
      "string",
    );
    return entry === undefined ? undefined : this.strings(entry)[0];
  }

  /** Every string of a STRING_ARRAY (or the one STRING); undefined when absent. */
  stringArray(tag: number): string[] | undefined {
    const entry = this.entry(
      tag,
      [RpmType.STRING, RpmType.STRING_ARRAY, RpmType.I18NSTRING],
      "string array",
    );
    return entry === undefined ? undefined : this.strings(entry);
  }

  /** The first value of an integer tag (INT8/16/32/64); undefined when absent. */
  number(tag: number): number | undefined {
    const entry = this.entry(
      tag,
      [RpmType.CHAR, RpmType.INT8, RpmType.INT16, RpmType.INT32, RpmType.INT64],
      "integer",
    );
    if (entry === undefined) return undefined;
    if (entry.count < 1) throw new RpmFormatError(`tag ${tag} holds no value`);
    const view = new DataView(this.store.buffer, this.store.byteOffset, this.store.byteLength);
    switch (entry.type) {
      case RpmType.INT16:
        return view.getUint16(entry.offset);
      case RpmType.INT32:
        return view.getUint32(entry.offset);
      case RpmType.INT64: {
        const value = view.getBigUint64(entry.offset);
        if (value > BigInt(Number.MAX_SAFE_INTEGER))
          throw new RpmFormatError(`tag ${tag} is too large`);
        return Number(value);
      }
      default:
        return this.store[entry.offset] as number;
    }
  }

  /** A BIN tag's bytes; undefined when absent. */
  binary(tag: number): Uint8Array | undefined {
    const entry = this.entry(tag, [RpmType.BIN], "binary");
    return entry === undefined
      ? undefined
      : this.store.subarray(entry.offset, entry.offset + entry.count);
  }

  private strings(entry: RpmIndexEntry): string[] {
    const out: string[] = [];
    let position = entry.offset;
    const count = entry.type === RpmType.STRING ? 1 : entry.count;
    for (let i = 0; i < count; i++) {
      const end = this.store.indexOf(0, position);
      // Checked when the header was read; kept as a guard for the type system.
      if (end < 0) throw new RpmFormatError(`string of tag ${entry.tag} is not terminated`);
      out.push(Buffer.from(this.store.subarray(position, end)).toString("utf8"));
      position = end + 1;
    }
    return out;
  }
}

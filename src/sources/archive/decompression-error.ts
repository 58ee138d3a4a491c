// The one error every decoder of qus throws for input it cannot decode or a decoder that failed.

// Why: callers tell a bad package from other failures by this class.
/** The data could not be decompressed (corrupt input, or the decoder failed). */
export class DecompressionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DecompressionError";
  }
}

/** The part of lz4js (an untyped CommonJS package) the tests use as a reference LZ4 implementation. */
declare module 'lz4js' {
  export function compressBound(length: number): number;
  /** Returns the compressed size, or 0 when the block would not compress. */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    srcIndex: number,
    srcLength: number,
    hashTable: Uint32Array,
  ): number;
  /** Returns the end index in dst; trusts every length (no bounds checks). */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    srcIndex: number,
    srcLength: number,
    dstIndex: number,
  ): number;
}

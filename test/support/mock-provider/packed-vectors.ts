/** The integer encodings providers offer for a unit vector: int8 components, or sign bits packed eight to a signed
 * byte (the `binary` type of Voyage AI, Jina AI, Cohere). */
export const toInt8 = (vector: number[]): number[] => vector.map((v) => Math.max(-128, Math.min(127, Math.round(v * 127))));

export function packBits(vector: number[]): number[] {
  const bytes: number[] = [];
  for (let start = 0; start < vector.length; start += 8) {
    const byte = vector.slice(start, start + 8).reduce((acc, v, i) => acc | ((v > 0 ? 1 : 0) << (7 - i)), 0);
    bytes.push(byte > 127 ? byte - 256 : byte);
  }
  return bytes;
}

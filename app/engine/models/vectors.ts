/** Helpers for models that keep one vector per item (rows of `dimensions` floats). */

/** A float32 array as base64 of its bytes: exact, and a quarter of JSON's size. */
export function floatsToBase64(array: Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
}

export function floatsFromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function dot(vectors: Float32Array, dimensions: number, a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < dimensions; j++) sum += vectors[a * dimensions + j] * vectors[b * dimensions + j];
  return sum;
}

/** Of the seed rows, the one whose vector has the largest dot product with `row`: the reason shown for it. */
export function closestSeed(vectors: Float32Array, dimensions: number, row: number, seeds: number[]): number {
  let best = seeds[0];
  let bestDot = -Infinity;
  for (const seed of seeds) {
    const value = dot(vectors, dimensions, seed, row);
    if (value > bestDot) [best, bestDot] = [seed, value];
  }
  return best;
}

/** Every row's length (computed once per model). */
export function rowNorms(vectors: Float32Array, dimensions: number): Float64Array {
  return Float64Array.from({ length: vectors.length / dimensions }, (_, row) => Math.sqrt(dot(vectors, dimensions, row, row)));
}

/** Cosine of `row` with every row (0 for rows of length 0). */
export function cosines(vectors: Float32Array, dimensions: number, norms: Float64Array, row: number): Float32Array {
  const scores = new Float32Array(norms.length);
  if (!norms[row]) return scores;
  for (let other = 0; other < scores.length; other++)
    scores[other] = norms[other] ? dot(vectors, dimensions, row, other) / (norms[row] * norms[other]) : 0;
  return scores;
}

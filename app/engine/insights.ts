import type { Dataset } from "./dataset";
import { seededRandom } from "./eval/split";

/**
 * The map of the catalogue the admin draws: each product's embedding (a spectral embedding of
 * the normalised "shoppers in common" matrix), projected to 2-D by PCA and grouped by k-means
 * with k chosen by the silhouette; and the store's segments, shoppers grouped the same way by
 * the average embedding of what they took.
 */
export interface InsightsParams {
  /** Embedding dimensions (default 16). */
  dimensions?: number;
  /** The k tried for k-means (default 2..8). */
  minClusters?: number;
  maxClusters?: number;
  /** Items modelled: those with the most shoppers (default 1,500). */
  maxItems?: number;
  seed?: number;
}

export interface Insights {
  points: { itemId: string; x: number; y: number; cluster: number }[];
  clusters: { id: number; size: number; topItemIds: string[] }[];
  segments: { id: number; shoppers: number; topItemIds: string[] }[];
  silhouette: number;
}

const DEFAULTS: Required<InsightsParams> = { dimensions: 16, minClusters: 2, maxClusters: 8, maxItems: 1_500, seed: 7 };

export function computeInsights(dataset: Dataset, params: InsightsParams = {}): Insights {
  const p = { ...DEFAULTS, ...params };
  const shoppers = new Float64Array(dataset.items.length);
  for (const interest of dataset.interest) for (const [item, weight] of interest) if (weight > 0) shoppers[item]++;
  const modelled = [...shoppers.keys()]
    .filter((item) => shoppers[item] > 0)
    .sort((a, b) => shoppers[b] - shoppers[a] || a - b)
    .slice(0, p.maxItems);
  const n = modelled.length;
  if (n < p.minClusters * 2) return { points: [], clusters: [], segments: [], silhouette: 0 };
  const position = new Map(modelled.map((item, index) => [item, index]));

  // Each shopper's modelled items (positions), for the Gram matrix and for the segments.
  const shopperItems = dataset.interest
    .map((interest) => [...interest].filter(([item, weight]) => weight > 0 && position.has(item)).map(([item]) => position.get(item)!))
    .filter((mine) => mine.length > 0);
  // S = D^-1/2 · XᵀX · D^-1/2 over the modelled items.
  const gram = new Float64Array(n * n);
  for (const mine of shopperItems) for (const a of mine) for (const b of mine) gram[a * n + b] += 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gram[i * n + j] /= Math.sqrt(gram[i * n + i] * gram[j * n + j]) || 1;
  const dims = Math.min(p.dimensions, n);
  // Spectral embedding: the leading eigenvectors scaled by their eigenvalues (so directions that
  // separate groups of products outweigh the noise within a group), each row then normalised.
  const eigenvectors = topEigenvectors(gram, n, dims, p.seed);
  const eigenvalues = rayleighQuotients(gram, eigenvectors, n, dims);
  const vectors = rowsOf(eigenvectors, n, dims).map((row) => normalise(row.map((value, d) => value * Math.max(0, eigenvalues[d]))));

  const { labels, k, score } = bestKMeans(vectors, p.minClusters, Math.min(p.maxClusters, Math.floor(n / 2)), p.seed);
  const plane = pca2d(vectors, p.seed);
  const itemId = (index: number) => dataset.items[modelled[index]].id;
  const clusters = Array.from({ length: k }, (_, id) => {
    const members = modelled.map((_, index) => index).filter((index) => labels[index] === id);
    return {
      id,
      size: members.length,
      topItemIds: members
        .sort((a, b) => shoppers[modelled[b]] - shoppers[modelled[a]])
        .slice(0, 5)
        .map(itemId),
    };
  });

  // Segments: each shopper's mean item vector, grouped the same way (k as for the items).
  const shopperVectors = shopperItems.map((mine) => {
    const mean = new Float64Array(dims);
    for (const index of mine) for (let d = 0; d < dims; d++) mean[d] += vectors[index][d] / mine.length;
    return normalise(mean);
  });
  const segmentLabels = kMeans(shopperVectors, Math.min(k, shopperVectors.length), p.seed);
  const segments = Array.from({ length: Math.min(k, shopperVectors.length) }, (_, id) => {
    const counts = new Map<number, number>();
    let size = 0;
    shopperItems.forEach((items, shopper) => {
      if (segmentLabels[shopper] !== id) return;
      size++;
      for (const index of items) counts.set(index, (counts.get(index) ?? 0) + 1);
    });
    return {
      id,
      shoppers: size,
      topItemIds: [...counts]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 5)
        .map(([index]) => itemId(index)),
    };
  }).filter((segment) => segment.shoppers > 0);

  return {
    points: modelled.map((_, index) => ({ itemId: itemId(index), x: plane[index][0], y: plane[index][1], cluster: labels[index] })),
    clusters,
    segments,
    silhouette: score,
  };
}

/** The `count` leading eigenvectors of a symmetric n × n matrix (columns of an n × count matrix), by orthogonal iteration. */
function topEigenvectors(matrix: Float64Array, n: number, count: number, seed: number, iterations = 60): Float64Array {
  const random = seededRandom(seed);
  let q = new Float64Array(n * count).map(() => random() - 0.5);
  orthonormalise(q, n, count);
  const next = new Float64Array(n * count);
  for (let iteration = 0; iteration < iterations; iteration++) {
    next.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        const value = matrix[row + j];
        if (value === 0) continue;
        for (let c = 0; c < count; c++) next[i * count + c] += value * q[j * count + c];
      }
    }
    q = Float64Array.from(next);
    orthonormalise(q, n, count);
  }
  return q;
}

/** qᵀ·M·q for each column q: the eigenvalue of each (converged) eigenvector. */
function rayleighQuotients(matrix: Float64Array, q: Float64Array, n: number, count: number): Float64Array {
  const values = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = matrix[i * n + j];
      if (value === 0) continue;
      for (let c = 0; c < count; c++) values[c] += q[i * count + c] * value * q[j * count + c];
    }
  }
  return values;
}

/** Modified Gram–Schmidt on the columns of an n × count matrix, in place. */
function orthonormalise(q: Float64Array, n: number, count: number) {
  for (let c = 0; c < count; c++) {
    for (let previous = 0; previous < c; previous++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * count + c] * q[i * count + previous];
      for (let i = 0; i < n; i++) q[i * count + c] -= dot * q[i * count + previous];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * count + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) q[i * count + c] /= norm;
  }
}

function rowsOf(matrix: Float64Array, rows: number, columns: number): Float64Array[] {
  return Array.from({ length: rows }, (_, row) => matrix.subarray(row * columns, (row + 1) * columns));
}

function normalise(vector: Float64Array): Float64Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

function distance2(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += (a[d] - b[d]) ** 2;
  return sum;
}

/** PCA to two dimensions: the points projected on the two leading directions of their covariance. */
export function pca2d(vectors: Float64Array[], seed = 7): [number, number][] {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  const mean = new Float64Array(dims);
  for (const vector of vectors) for (let d = 0; d < dims; d++) mean[d] += vector[d] / n;
  const covariance = new Float64Array(dims * dims);
  for (const vector of vectors) {
    for (let a = 0; a < dims; a++)
      for (let b = 0; b < dims; b++) covariance[a * dims + b] += ((vector[a] - mean[a]) * (vector[b] - mean[b])) / n;
  }
  const axes = topEigenvectors(covariance, dims, Math.min(2, dims), seed, 200);
  return vectors.map((vector) => {
    const point: [number, number] = [0, 0];
    for (let d = 0; d < dims; d++) {
      point[0] += (vector[d] - mean[d]) * axes[d * 2];
      point[1] += (vector[d] - mean[d]) * (axes[d * 2 + 1] ?? 0);
    }
    return point;
  });
}

/** Lloyd's k-means from a k-means++ start (seeded); returns each point's cluster. */
export function kMeans(vectors: Float64Array[], k: number, seed: number, iterations = 50): Int32Array {
  const random = seededRandom(seed);
  const n = vectors.length;
  const centres: Float64Array[] = [Float64Array.from(vectors[Math.floor(random() * n)])];
  const nearest = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i] = Math.min(nearest[i], distance2(vectors[i], centres[centres.length - 1]));
    let pick = random() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      pick -= nearest[i];
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
    centres.push(Float64Array.from(vectors[chosen]));
  }
  const labels = new Int32Array(n);
  const dims = vectors[0]?.length ?? 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDistance = distance2(vectors[i], centres[0]);
      for (let c = 1; c < k; c++) {
        const distance = distance2(vectors[i], centres[c]);
        if (distance < bestDistance) [best, bestDistance] = [c, distance];
      }
      if (labels[i] !== best) {
        labels[i] = best;
        moved = true;
      }
    }
    // New centres: the mean of each cluster's points, in one pass (an empty cluster keeps its centre).
    const sums = Array.from({ length: k }, () => new Float64Array(dims));
    const sizes = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      sizes[labels[i]]++;
      for (let d = 0; d < dims; d++) sums[labels[i]][d] += vectors[i][d];
    }
    for (let c = 0; c < k; c++) if (sizes[c]) centres[c] = sums[c].map((sum) => sum / sizes[c]);
    if (!moved && iteration > 0) break;
  }
  return labels;
}

/** Mean silhouette: for each point, (b − a) / max(a, b), with a its mean distance to its own cluster and b to the nearest other. */
export function silhouette(vectors: Float64Array[], labels: Int32Array, k: number): number {
  const n = vectors.length;
  let total = 0;
  const sums = new Float64Array(k);
  const sizes = new Int32Array(k);
  for (const label of labels) sizes[label]++;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (i !== j) sums[labels[j]] += Math.sqrt(distance2(vectors[i], vectors[j]));
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]) b = Math.min(b, sums[c] / sizes[c]);
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  }
  return total / n;
}

/** k-means for each k in range, keeping the k with the best silhouette. */
function bestKMeans(vectors: Float64Array[], minK: number, maxK: number, seed: number) {
  let best: { labels: Int32Array; k: number; score: number } = { labels: new Int32Array(vectors.length), k: 1, score: -Infinity };
  for (let k = minK; k <= maxK; k++) {
    const labels = kMeans(vectors, k, seed);
    const score = silhouette(vectors, labels, k);
    if (score > best.score + 1e-9) best = { labels, k, score };
  }
  return best;
}

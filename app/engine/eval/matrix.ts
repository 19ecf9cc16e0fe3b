/**
 * Which items each user has, as compressed rows (CSR): items of user u are cols[rowStart[u] .. rowStart[u+1]).
 * With `times`, times[p] is when the user first took up item cols[p] (for session proximity).
 */
export interface UserItems {
  users: number;
  items: number;
  rowStart: Int32Array;
  cols: Int32Array;
  times?: Float64Array;
}

/**
 * Binary user × item rows from (user, item) pairs; repeats count once; items sorted within a row.
 * A counting sort by user, then each row sorted and its repeats dropped: no object per user.
 * Given `time` (parallel to `user` and `item`), the rows also keep each item's earliest time.
 */
export function userItems(
  users: number,
  items: number,
  user: ArrayLike<number>,
  item: ArrayLike<number>,
  positions: ArrayLike<number>,
  time?: ArrayLike<number>,
): UserItems {
  const counts = new Int32Array(users + 1);
  for (let p = 0; p < positions.length; p++) counts[user[positions[p]] + 1]++;
  for (let u = 0; u < users; u++) counts[u + 1] += counts[u];
  const next = counts.slice(0, users);
  const grouped = new Int32Array(positions.length);
  for (let p = 0; p < positions.length; p++) grouped[next[user[positions[p]]]++] = item[positions[p]];
  const rowStart = new Int32Array(users + 1);
  let size = 0;
  for (let u = 0; u < users; u++) {
    const row = grouped.subarray(counts[u], counts[u + 1]).sort();
    for (let i = 0; i < row.length; i++) if (i === 0 || row[i] !== row[i - 1]) grouped[size++] = row[i];
    rowStart[u + 1] = size;
  }
  const cols = grouped.slice(0, size);
  if (!time) return { users, items, rowStart, cols };
  // Each position's item found in its user's sorted row; the earliest time kept.
  const matrix = { users, items, rowStart, cols };
  const times = new Float64Array(size).fill(Infinity);
  for (let p = 0; p < positions.length; p++) {
    const place = placeInRow(matrix, user[positions[p]], item[positions[p]]);
    if (time[positions[p]] < times[place]) times[place] = time[positions[p]];
  }
  return { ...matrix, times };
}

/** Where `item` stands in `user`'s sorted row (by bisection); the row holds it. */
export function placeInRow(matrix: Pick<UserItems, "rowStart" | "cols">, user: number, item: number): number {
  let low = matrix.rowStart[user];
  let high = matrix.rowStart[user + 1] - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (matrix.cols[middle] < item) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function row(matrix: UserItems, user: number): Int32Array {
  return matrix.cols.subarray(matrix.rowStart[user], matrix.rowStart[user + 1]);
}

/**
 * Session proximity: a pair of a user's items counts floor + (1 − floor)·e^(−Δt / minutes), Δt
 * the time between the user's first takes of the two, so that items taken up together (one
 * session, one basket) count fully and items months apart count `floor`.
 */
export interface Proximity {
  minutes: number;
  floor: number;
}

/**
 * XᵀX: how many users have both items, for every pair (dense, items × items). With `proximity`
 * (and times in the rows), each user's pair counts by how close in time the two were taken up.
 */
export function gram(matrix: UserItems, proximity?: Proximity): Float64Array {
  const n = matrix.items;
  const g = new Float64Array(n * n);
  const times = proximity && proximity.minutes > 0 ? matrix.times : undefined;
  if (proximity && proximity.minutes > 0 && !times) throw new Error("session proximity needs the rows' times (userItems with time)");
  const perMs = 1 / ((proximity?.minutes ?? 1) * 60_000);
  const floor = proximity?.floor ?? 1;
  for (let u = 0; u < matrix.users; u++) {
    const start = matrix.rowStart[u];
    const r = row(matrix, u);
    for (let a = 0; a < r.length; a++) {
      const base = r[a] * n;
      if (!times) {
        for (let b = 0; b < r.length; b++) g[base + r[b]] += 1;
        continue;
      }
      const ta = times[start + a];
      g[base + r[a]] += 1;
      for (let b = a + 1; b < r.length; b++) {
        const weight = floor + (1 - floor) * Math.exp(-Math.abs(ta - times[start + b]) * perMs);
        g[base + r[b]] += weight;
        g[r[b] * n + r[a]] += weight;
      }
    }
  }
  return g;
}

export { invertSpd } from "../linalg";

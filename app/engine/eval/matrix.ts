/** Which items each user has, as compressed rows (CSR): items of user u are cols[rowStart[u] .. rowStart[u+1]). */
export interface UserItems {
  users: number;
  items: number;
  rowStart: Int32Array;
  cols: Int32Array;
}

/**
 * Binary user × item rows from (user, item) pairs; repeats count once; items sorted within a row.
 * A counting sort by user, then each row sorted and its repeats dropped: no object per user.
 */
export function userItems(users: number, items: number, user: ArrayLike<number>, item: ArrayLike<number>, positions: ArrayLike<number>): UserItems {
  const counts = new Int32Array(users + 1);
  for (let p = 0; p < positions.length; p++) counts[user[positions[p]] + 1]++;
  for (let u = 0; u < users; u++) counts[u + 1] += counts[u];
  const next = counts.slice(0, users);
  const grouped = new Int32Array(positions.length);
  for (let p = 0; p < positions.length; p++) grouped[next[user[positions[p]]]++] = item[positions[p]];
  const rowStart = new Int32Array(users + 1);
  let size = 0;
  for (let u = 0; u < users; u++) {
    const items = grouped.subarray(counts[u], counts[u + 1]).sort();
    for (let i = 0; i < items.length; i++) if (i === 0 || items[i] !== items[i - 1]) grouped[size++] = items[i];
    rowStart[u + 1] = size;
  }
  return { users, items, rowStart, cols: grouped.slice(0, size) };
}

export function row(matrix: UserItems, user: number): Int32Array {
  return matrix.cols.subarray(matrix.rowStart[user], matrix.rowStart[user + 1]);
}

/** XᵀX: how many users have both items, for every pair (dense, items × items). */
export function gram(matrix: UserItems): Float64Array {
  const n = matrix.items;
  const g = new Float64Array(n * n);
  for (let u = 0; u < matrix.users; u++) {
    const r = row(matrix, u);
    for (let a = 0; a < r.length; a++) {
      const base = r[a] * n;
      for (let b = 0; b < r.length; b++) g[base + r[b]] += 1;
    }
  }
  return g;
}

export { invertSpd } from "../linalg";

/** Which items each user has, as compressed rows (CSR): items of user u are cols[rowStart[u] .. rowStart[u+1]). */
export interface UserItems {
  users: number;
  items: number;
  rowStart: Int32Array;
  cols: Int32Array;
}

/** Binary user × item rows from (user, item) pairs; repeats count once; items sorted within a row. */
export function userItems(users: number, items: number, user: ArrayLike<number>, item: ArrayLike<number>, positions: ArrayLike<number>): UserItems {
  const sets: Set<number>[] = Array.from({ length: users }, () => new Set<number>());
  for (let p = 0; p < positions.length; p++) sets[user[positions[p]]].add(item[positions[p]]);
  const rowStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) rowStart[u + 1] = rowStart[u] + sets[u].size;
  const cols = new Int32Array(rowStart[users]);
  for (let u = 0; u < users; u++) cols.set([...sets[u]].sort((a, b) => a - b), rowStart[u]);
  return { users, items, rowStart, cols };
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

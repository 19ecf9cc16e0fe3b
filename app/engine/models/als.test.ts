import { describe, expect, it } from "vitest";
import { seededRandom } from "../eval/split";
import { fitAls, fitAlsParallel, scoreAll, transpose, type SparseRows } from "./als";

/** Users in two groups, each taking a random half of its own group's 20 items. */
function plantedRows(users = 60, seed = 5): SparseRows {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  for (let user = 0; user < users; user++) {
    const offset = user % 2 === 0 ? 0 : 20;
    rows.push([...new Set(Array.from({ length: 10 }, () => offset + Math.floor(random() * 20)))].sort((a, b) => a - b));
  }
  const rowStart = new Int32Array(users + 1);
  rows.forEach((row, user) => (rowStart[user + 1] = rowStart[user] + row.length));
  return { rows: users, columns: 40, rowStart, cols: Int32Array.from(rows.flat()) };
}

/** Σ c·(p − xᵀy)² over all pairs + λ(‖X‖² + ‖Y‖²): what every half-iteration minimises. */
function loss(rows: SparseRows, model: ReturnType<typeof fitAls>, lambda: number, alpha: number) {
  let total = 0;
  const scores = new Float32Array(rows.columns);
  for (let user = 0; user < rows.rows; user++) {
    scoreAll(model, user, scores);
    const taken = new Set(rows.cols.subarray(rows.rowStart[user], rows.rowStart[user + 1]));
    for (let item = 0; item < rows.columns; item++) total += taken.has(item) ? (1 + alpha) * (1 - scores[item]) ** 2 : scores[item] ** 2;
  }
  for (const value of model.users) total += lambda * value * value;
  for (const value of model.items) total += lambda * value * value;
  return total;
}

describe("implicit ALS", () => {
  it("recovers planted groups: each user's best unseen items are from their own group", () => {
    const rows = plantedRows();
    const model = fitAls(rows, { factors: 4, lambda: 1, alpha: 10, iterations: 15 });
    const scores = new Float32Array(40);
    for (let user = 0; user < rows.rows; user++) {
      scoreAll(model, user, scores);
      const taken = new Set(rows.cols.subarray(rows.rowStart[user], rows.rowStart[user + 1]));
      const unseen = [...scores.keys()]
        .filter((item) => !taken.has(item))
        .sort((a, b) => scores[b] - scores[a])
        .slice(0, 5);
      const own = user % 2 === 0 ? (item: number) => item < 20 : (item: number) => item >= 20;
      expect(unseen.every(own), `user ${user}: ${unseen}`).toBe(true);
    }
  });

  it("lowers its objective at every iteration when each least-squares problem is solved exactly", () => {
    const rows = plantedRows(30);
    const params = { factors: 4, lambda: 0.5, alpha: 3, cgSteps: 4 };
    const losses = [1, 2, 3, 4, 5].map((iterations) => loss(rows, fitAls(rows, { ...params, iterations }), params.lambda, params.alpha));
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1] + 1e-6);
  });

  it("is reproducible with a seed, and transposes without losing entries", () => {
    const rows = plantedRows();
    expect(fitAls(rows, { factors: 4, iterations: 2 }).items).toEqual(fitAls(rows, { factors: 4, iterations: 2 }).items);
    const back = transpose(transpose(rows));
    expect(Array.from(back.rowStart)).toEqual(Array.from(rows.rowStart));
    expect(Array.from(back.cols)).toEqual(Array.from(rows.cols));
  });

  it("gives the same factors, to the last bit, on worker threads", async () => {
    const rows = { ...plantedRows(90), weights: Float32Array.from({ length: plantedRows(90).cols.length }, (_, e) => 1 + (e % 3)) };
    const serial = fitAls(rows, { factors: 8, iterations: 4 });
    for (const threads of [2, 3]) {
      const parallel = await fitAlsParallel(rows, { factors: 8, iterations: 4 }, { threads });
      expect(parallel.users).toEqual(serial.users);
      expect(parallel.items).toEqual(serial.items);
    }
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../eval/split";
import { useTfBackend } from "../tf/backend";
import { fitNcf, ncfScores } from "./ncf";
import { fitSequential, nextItemScores, sequenceState } from "./sequential";

const best = (scores: Float32Array, k: number, skip: Iterable<number> = []) => {
  const excluded = new Set(skip);
  return [...scores.keys()]
    .filter((item) => !excluded.has(item))
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, k);
};

beforeAll(async () => {
  await useTfBackend("wasm");
});

describe("NeuMF", () => {
  it("recovers planted groups: users' best unseen items are from their own group", () => {
    // Two groups of 30 items; each user has 8 random items of their group's 30.
    const random = seededRandom(11);
    const users = 200;
    const rows: number[][] = Array.from({ length: users }, (_, user) => {
      const picks = new Set<number>();
      while (picks.size < 8) picks.add((user % 2) * 30 + Math.floor(random() * 30));
      return [...picks].sort((a, b) => a - b);
    });
    const rowStart = Int32Array.from([0, ...rows.map((_, u) => rows.slice(0, u + 1).flat().length)]);
    const weights = fitNcf(
      { users, items: 60, rowStart, cols: Int32Array.from(rows.flat()) },
      { dimensions: 8, epochs: 20, batchSize: 256, learningRate: 0.01 },
    );
    const scores = new Float32Array(60);
    let inGroup = 0;
    for (let user = 0; user < users; user++) {
      ncfScores(weights, user, scores);
      inGroup += best(scores, 3, rows[user]).filter((item) => Math.floor(item / 30) === user % 2).length;
    }
    // Sampled negatives include unseen items of the user's own group, so a few slip: 97.5% here.
    expect(inGroup / (3 * users)).toBeGreaterThan(0.95);
  });
});

describe("GRU next-item model", () => {
  it("learns a planted order: after …, 2, 3 comes 4", () => {
    // Two cycles over 12 items: 0→1→…→5→0 and 6→7→…→11→6; each sequence starts at a random point.
    const random = seededRandom(5);
    const sequences = Array.from({ length: 200 }, (_, s) => {
      const base = (s % 2) * 6;
      const start = Math.floor(random() * 6);
      return Int32Array.from({ length: 8 }, (_, t) => base + ((start + t) % 6));
    });
    const weights = fitSequential(sequences, 12, { dimensions: 16, epochs: 20, batchSize: 32, learningRate: 0.01 });
    const scores = new Float32Array(12);
    for (const [history, next] of [
      [[1, 2, 3], 4],
      [[9, 10], 11],
      [[4, 5], 0],
      [[11], 6],
    ] as const) {
      nextItemScores(weights, sequenceState(weights, history), scores);
      expect(best(scores, 1)).toEqual([next]);
    }
  });
});

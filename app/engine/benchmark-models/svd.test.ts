import { describe, expect, it } from "vitest";
import { ratingErrors } from "../eval/metrics";
import { seededRandom } from "../eval/split";
import { fitSvd, predictRating } from "./svd";

describe("SVD rating prediction", () => {
  // Planted ratings: 3 + a user bias + an item bias + a rank-2 taste term, plus a little noise.
  const random = seededRandom(3);
  const users = 200;
  const items = 60;
  const taste = (n: number) => Array.from({ length: n }, () => [random() * 2 - 1, random() * 2 - 1]);
  const [userTaste, itemTaste] = [taste(users), taste(items)];
  const userBias = Array.from({ length: users }, () => random() - 0.5);
  const itemBias = Array.from({ length: items }, (_, i) => (i < 10 ? 1 : 0));
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      if (random() > 0.4) continue;
      user.push(u);
      item.push(i);
      rating.push(
        3 +
          userBias[u] +
          itemBias[i] +
          1.5 * (userTaste[u][0] * itemTaste[i][0] + userTaste[u][1] * itemTaste[i][1]) +
          0.1 * (random() - 0.5),
      );
    }
  }
  const positions = Array.from(user.keys());
  const train = positions.filter((p) => p % 5 !== 0);
  const test = positions.filter((p) => p % 5 === 0);
  const errorsOf = (factors: number) => {
    const model = fitSvd({ user, item, rating, positions: train }, users, items, { factors, epochs: 60, learningRate: 0.01 });
    return { model, ...ratingErrors((u, i) => predictRating(model, u, i), user, item, rating, test) };
  };

  it("learns the planted biases, and the taste factors beat biases alone on held-out ratings", () => {
    const baseline = errorsOf(0);
    const svd = errorsOf(4);
    expect(baseline.model.itemBias[0] - baseline.model.itemBias[20]).toBeGreaterThan(0.7);
    expect(svd.rmse).toBeLessThan(0.6 * baseline.rmse);
    expect(svd.mae).toBeLessThan(svd.rmse + 1e-9);
    expect(svd.rmse).toBeLessThan(0.3);
  });

  it("is reproducible from its seed and clips predictions to the ratings seen", () => {
    const a = fitSvd({ user, item, rating, positions: train }, users, items, { epochs: 2 });
    const b = fitSvd({ user, item, rating, positions: train }, users, items, { epochs: 2 });
    expect(a.users).toEqual(b.users);
    const [low, high] = a.range;
    for (let i = 0; i < items; i++)
      (expect(predictRating(a, 0, i)).toBeGreaterThanOrEqual(low), expect(predictRating(a, 0, i)).toBeLessThanOrEqual(high));
  });
});

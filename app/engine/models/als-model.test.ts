import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { seededRandom } from "../eval/split";
import { forgetUser } from "../redact";
import { deserializeModel, serializeModel } from "../registry";
import { order } from "../../../test/fixtures/engine-events";
import type { EngineEvent, EngineItem } from "../types";
import { AlsModel } from "./als-model";

// Two planted tastes of 12 products; each shopper buys 5 of their taste's.
const catalogue: EngineItem[] = ["a", "b"].flatMap((taste) =>
  Array.from({ length: 12 }, (_, i) => ({ id: `${taste}${i}`, title: `${taste} ${i}` })),
);
const random = seededRandom(9);
const events: EngineEvent[] = [];
for (let user = 0; user < 80; user++) {
  const taste = user % 2 ? "b" : "a";
  const picks = new Set<number>();
  while (picks.size < 5) picks.add(Math.floor(random() * 12));
  events.push(...order(`u${user}`, `o${user}`, user % 20, ...[...picks].map((i) => `${taste}${i}`)));
}
const dataset = buildDataset(events, catalogue);

describe("AlsModel", () => {
  const model = AlsModel.fit(dataset, { factors: 4, lambda: 1, alpha: 10 });

  it("folds a shopper in from their items and recommends their taste, without what they bought", () => {
    for (let user = 0; user < 80; user += 9) {
      const list = model.recommend({ userId: `u${user}`, k: 4 });
      expect(list.map((r) => r.itemId[0])).toEqual(Array(4).fill(user % 2 ? "b" : "a"));
      const bought = new Set(events.filter((event) => event.userId === `u${user}`).map((event) => event.itemId));
      expect(list.some((r) => bought.has(r.itemId))).toBe(false);
      expect(list[0].reason.kind).toBe("because_you_bought");
    }
    // A context (the cart) folds in the same way; similar items come from the factors.
    expect(model.recommend({ context: ["b3"], k: 3 }).every((r) => r.itemId.startsWith("b") && r.reason.kind === "similar")).toBe(true);
    expect(model.similar("a1", 3).every((r) => r.itemId.startsWith("a"))).toBe(true);
    expect(model.recommend({ userId: "nobody", k: 3 })).toEqual([]);
  });

  it("fits the same on worker threads, round-trips, and forgets a shopper entirely", async () => {
    const parallel = await AlsModel.fitParallel(dataset, { factors: 4, lambda: 1, alpha: 10 }, {});
    expect(parallel.recommend({ userId: "u3", k: 5 })).toEqual(model.recommend({ userId: "u3", k: 5 }));
    const bytes = serializeModel(model);
    expect(deserializeModel(bytes).recommend({ userId: "u3", k: 5 })).toEqual(model.recommend({ userId: "u3", k: 5 }));
    expect(deserializeModel(forgetUser(bytes, "u3").bytes).recommend({ userId: "u3", k: 5 })).toEqual([]);
  });
});

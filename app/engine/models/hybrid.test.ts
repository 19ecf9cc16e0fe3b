import { afterAll, describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { seededRandom } from "../eval/split";
import { deserializeModel, serializeModel } from "../registry";
import { order } from "../../../test/fixtures/engine-events";
import { useTfBackend } from "../tf/backend";
import type { EngineEvent, EngineItem } from "../types";
import { HybridModel } from "./hybrid";

// Three planted tastes of eight products each; shoppers buy five products of one taste. A ninth
// product per taste ("…-new") has the taste's words and no sales at all.
const TASTES = ["camping", "coffee", "garden"];
const catalogue: EngineItem[] = TASTES.flatMap((taste) =>
  [...Array.from({ length: 8 }, (_, i) => `${taste}-${i}`), `${taste}-new`].map((id) => ({
    id,
    title: `${taste} item ${id.split("-")[1]}`,
    tags: [taste, `${taste} gear`],
    productType: taste,
  })),
);
const random = seededRandom(7);
const events: EngineEvent[] = [];
for (let user = 0; user < 150; user++) {
  const taste = TASTES[user % 3];
  const picks = new Set<number>();
  while (picks.size < 5) picks.add(Math.floor(random() * 8));
  events.push(...order(`u${user}`, `o${user}`, user % 30, ...[...picks].map((i) => `${taste}-${i}`)));
}
const dataset = buildDataset(events, catalogue);
const tasteOf = (id: string) => id.split("-")[0];

describe("HybridModel (two towers, TensorFlow.js)", () => {
  afterAll(() => useTfBackend("wasm"));

  it("recovers the planted tastes, for shoppers and for products nobody has bought", async () => {
    await useTfBackend("wasm");
    const model = HybridModel.fit(dataset, { epochs: 30, dimensions: 16, batchSize: 32 });
    for (let user = 0; user < 150; user += 7) {
      const list = model.recommend({ userId: `u${user}`, k: 3 });
      expect(list.map((r) => tasteOf(r.itemId))).toEqual(Array(3).fill(TASTES[user % 3]));
      expect(list[0].reason).toMatchObject({ kind: "because_you_bought" });
    }
    for (const taste of TASTES) {
      // The new product sits among its taste by its words alone.
      expect(model.similar(`${taste}-new`, 4).map((r) => tasteOf(r.itemId))).toEqual(Array(4).fill(taste));
      expect(model.recommend({ context: [`${taste}-0`], k: 3 }).every((r) => tasteOf(r.itemId) === taste)).toBe(true);
    }
  });

  it("round-trips through serialization exactly", async () => {
    await useTfBackend("wasm");
    const model = HybridModel.fit(dataset, { epochs: 3, dimensions: 8 });
    const copy = deserializeModel(serializeModel(model));
    expect(copy.recommend({ userId: "u1", k: 5 })).toEqual(model.recommend({ userId: "u1", k: 5 }));
    expect(copy.similar("garden-new", 5)).toEqual(model.similar("garden-new", 5));
  });

  it("is reproducible, and gives the same top 5 on the wasm and cpu backends", async () => {
    const topFive = async (backend: "wasm" | "cpu") => {
      await useTfBackend(backend);
      const model = HybridModel.fit(dataset, { epochs: 10, dimensions: 16, batchSize: 32 });
      return Array.from({ length: 150 }, (_, user) => model.recommend({ userId: `u${user}`, k: 5 }));
    };
    const wasm = await topFive("wasm");
    expect(await topFive("wasm")).toEqual(wasm);
    const cpu = await topFive("cpu");
    let same = 0;
    wasm.forEach((list, user) => {
      if (list.map((r) => r.itemId).join() === cpu[user].map((r) => r.itemId).join()) same++;
      list.forEach((r, rank) => expect(cpu[user][rank].score).toBeCloseTo(r.score, 2));
    });
    expect(same).toBe(150);
  });
});

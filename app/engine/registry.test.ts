import { describe, expect, it } from "vitest";
import { buildDataset } from "./dataset";
import { deserializeModel, fitModel, MODEL_NAMES, serializeModel } from "./registry";
import { items, order } from "../../test/fixtures/engine-events";

describe("model serialization", () => {
  const dataset = buildDataset(
    [...order("u1", "o1", 3, "a", "b"), ...order("u2", "o2", 2, "a", "b"), ...order("u2", "o3", 1, "c"), ...order("u1", "o4", 40, "c")],
    items("a", "b", "c"),
  );

  it.each(MODEL_NAMES)("round-trips %s with identical recommendations", (name) => {
    const model = fitModel(name, dataset);
    const bytes = serializeModel(model);
    expect(new TextDecoder().decode(bytes).split("\n")[0]).toBe(JSON.stringify({ name, version: model.version }));
    const restored = deserializeModel(bytes);
    for (const request of [{ k: 3 }, { userId: "u1", k: 3 }, { context: ["a"], k: 3 }]) {
      expect(restored.recommend(request)).toEqual(model.recommend(request));
    }
    expect(restored.similar("a", 3)).toEqual(model.similar("a", 3));
  });

  it("names the unknown model and lists the known ones", () => {
    const bytes = new TextEncoder().encode('{"name":"bert4rec","version":1}\n{}');
    expect(() => deserializeModel(bytes)).toThrow(/Unknown model "bert4rec"; known models: popularity, cooccurrence, buy-again/);
    expect(() => fitModel("nope", dataset)).toThrow(/Unknown model "nope"/);
  });

  it("refuses a version it cannot read", () => {
    const bytes = new TextEncoder().encode('{"name":"popularity","version":99}\n{}');
    expect(() => deserializeModel(bytes)).toThrow(/saved as version 99; this build reads version 1/);
  });
});

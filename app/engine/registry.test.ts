import { describe, expect, it } from "vitest";
import { buildDataset } from "./dataset";
import { deserializeModel, fitModel, MODEL_NAMES, serializeModel } from "./registry";
import { items, order } from "../../test/fixtures/engine-events";
import { firstVersion1State, savedModel as saved, type SavedState } from "../../test/fixtures/version-1-models";

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

  it.each(MODEL_NAMES)("reads %s saved as version 1, in its first and its later shape, with the same recommendations", (name) => {
    const model = fitModel(name, dataset);
    expect(model.version).toBe(2);
    const current = model.toJSON() as SavedState;
    for (const state of [firstVersion1State(name, current), current]) {
      const restored = deserializeModel(saved(name, 1, state));
      for (const request of [{ k: 3 }, { userId: "u1", k: 3 }, { userId: "u2", k: 3 }, { context: ["a"], k: 3 }]) {
        expect(restored.recommend(request)).toEqual(model.recommend(request));
      }
      expect(restored.similar("a", 3)).toEqual(model.similar("a", 3));
      // Written again, it is the current version in the current shape.
      const [header, rewritten] = new TextDecoder()
        .decode(serializeModel(restored))
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(header).toEqual({ name, version: 2 });
      expect(rewritten.history).toEqual(current.history);
      if (name === "buy-again") expect(rewritten.purchases).toEqual(current.purchases);
      if (name === "popularity") expect(rewritten.inSeason).toEqual([]);
    }
  });

  it("reads the parameters of models saved before the season and session proximity as fitted without them", () => {
    const popularity = fitModel("popularity", dataset);
    const before = deserializeModel(saved("popularity", 1, firstVersion1State("popularity", popularity.toJSON() as SavedState)));
    expect((before.toJSON() as SavedState).params).toMatchObject({ seasonShare: 0, seasonDays: 30 });
    const ease = fitModel("ease", dataset);
    const easeBefore = deserializeModel(saved("ease", 1, firstVersion1State("ease", ease.toJSON() as SavedState)));
    expect((easeBefore.toJSON() as SavedState).params).toEqual((ease.toJSON() as SavedState).params);
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

  it.each(MODEL_NAMES)(
    "refuses %s saved as a version it has no reader for, naming the model, the version and the ones it reads",
    (name) => {
      const state = fitModel(name, dataset).toJSON();
      for (const version of [3, 0, "2", null]) {
        expect(() => deserializeModel(saved(name, version, state))).toThrow(
          `Model "${name}" was saved as version ${String(version)}; this build reads version 1 or 2`,
        );
      }
      const withoutVersion = new TextEncoder().encode(`${JSON.stringify({ name })}\n${JSON.stringify(state)}`);
      expect(() => deserializeModel(withoutVersion)).toThrow(`Model "${name}" was saved as version none; this build reads version 1 or 2`);
    },
  );
});

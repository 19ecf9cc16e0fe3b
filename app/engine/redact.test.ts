import { describe, expect, it } from "vitest";
import { buildDataset } from "./dataset";
import { forgetUser } from "./redact";
import { deserializeModel, fitModel, MODEL_NAMES, serializeModel } from "./registry";
import { items, order } from "../../test/fixtures/engine-events";

describe("forgetUser", () => {
  const dataset = buildDataset(
    [
      ...order("alice", "o1", 40, "c-beans", "grinder"),
      ...order("alice", "o2", 10, "c-beans"),
      ...order("bob", "o3", 5, "c-beans", "grinder"),
    ],
    items("c-beans", "grinder"),
  );

  it.each(MODEL_NAMES)("removes the shopper's id and history from %s", (name) => {
    const bytes = serializeModel(fitModel(name, dataset));
    expect(new TextDecoder().decode(bytes)).toContain("alice");
    const { bytes: redacted, changed } = forgetUser(bytes, "alice");
    expect(changed).toBe(true);
    expect(new TextDecoder().decode(redacted)).not.toContain("alice");
    const model = deserializeModel(redacted);
    expect(model.recommend({ userId: "alice", k: 5 })).toEqual(deserializeModel(bytes).recommend({ userId: "stranger", k: 5 }));
    expect(model.recommend({ userId: "bob", k: 5 })).toEqual(deserializeModel(bytes).recommend({ userId: "bob", k: 5 }));
  });
});

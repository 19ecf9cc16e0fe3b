import { describe, expect, it } from "vitest";
import { buildDataset } from "../dataset";
import { items, order } from "../test-data";
import type { EngineEvent } from "../types";
import { evaluateOnHistory } from "./store-quality";

describe("evaluateOnHistory", () => {
  // Five product lines: a lead item x, the y bought with it in one order, and a z bought by the
  // same shoppers half a year before. Later shoppers buy x before the last 30 days and y after.
  const lines = [0, 1, 2, 3, 4];
  const catalogue = items(...lines.flatMap((line) => [`z${line}`, `x${line}`, `y${line}`]));
  const history = (together: boolean) => {
    const events: EngineEvent[] = [];
    for (const line of lines) {
      for (let i = 0; i < 10; i++) {
        const shopper = `s${line}-${i}`;
        events.push(...order(shopper, `${shopper}-z`, together ? 100 : 300 + i, `z${line}`), ...order(shopper, `${shopper}-xy`, 100, `x${line}`, `y${line}`));
      }
      for (let i = 0; i < 4; i++) {
        const shopper = `t${line}-${i}`;
        events.push(...order(shopper, `${shopper}-x`, 60, `x${line}`), ...order(shopper, `${shopper}-y`, 10, `y${line}`));
      }
    }
    return buildDataset(events, catalogue);
  };

  it("turns on session proximity for the shop whose shoppers buy together what goes together", async () => {
    const quality = (await evaluateOnHistory(history(false), { k: 1, minCustomers: 5 }))!;
    expect(quality.customers).toBe(20);
    expect(quality.forYouSessions).toBe(true);
    expect(quality.models["session-ease"].new.ndcg).toBe(1);
    expect(quality.models["session-ease"].new.ndcg).toBeGreaterThan(quality.models.ease.new.ndcg);
    expect(quality.models["for-you"].new.ndcg).toBe(1);
  });

  it("keeps plain EASE when proximity tells nothing (everything bought at once)", async () => {
    const quality = (await evaluateOnHistory(history(true), { k: 1, minCustomers: 5 }))!;
    expect(quality.models["session-ease"].new.ndcg).toBe(quality.models.ease.new.ndcg);
    expect(quality.forYouSessions).toBe(false);
  });
});

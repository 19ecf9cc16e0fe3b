import { describe, expect, it } from "vitest";
import { buildDataset } from "./dataset";
import { seededRandom } from "./eval/split";
import { computeInsights, kMeans, pca2d, silhouette } from "./insights";
import { NOW, DAY } from "../../test/fixtures/engine-events";
import type { EngineEvent, EngineItem } from "./types";

/** Three groups of 20 products; each shopper buys only within one group. */
function plantedStore(seed = 3) {
  const random = seededRandom(seed);
  const groups = ["tea", "tent", "yoga"];
  const items: EngineItem[] = groups.flatMap((group) =>
    Array.from({ length: 20 }, (_, i) => ({ id: `${group}-${i}`, title: `${group} ${i}` })),
  );
  const events: EngineEvent[] = [];
  for (let user = 0; user < 300; user++) {
    const group = groups[user % 3];
    for (let n = 0; n < 6; n++)
      events.push({
        userId: `u${user}`,
        itemId: `${group}-${Math.floor(random() * 20)}`,
        kind: "purchase",
        time: NOW - Math.floor(random() * 300) * DAY,
      });
  }
  return { dataset: buildDataset(events, items), groupOf: (itemId: string) => itemId.split("-")[0] };
}

describe("insights", () => {
  it("recovers planted product groups as clusters, choosing k by the silhouette", () => {
    const { dataset, groupOf } = plantedStore();
    const insights = computeInsights(dataset);
    expect(insights.clusters).toHaveLength(3);
    expect(insights.points).toHaveLength(60);
    // Every cluster is one group, and every group one cluster.
    const byCluster = new Map<number, Set<string>>();
    for (const point of insights.points)
      byCluster.set(point.cluster, (byCluster.get(point.cluster) ?? new Set()).add(groupOf(point.itemId)));
    expect([...byCluster.values()].map((groups) => groups.size)).toEqual([1, 1, 1]);
    expect(new Set([...byCluster.values()].map((groups) => [...groups][0])).size).toBe(3);
    expect(insights.silhouette).toBeGreaterThan(0.5);
    // The shoppers fall into the same three segments, a hundred each.
    expect(insights.segments.map((segment) => segment.shoppers).sort()).toEqual([100, 100, 100]);
    for (const segment of insights.segments) expect(new Set(segment.topItemIds.map(groupOf)).size).toBe(1);
  });

  it("is reproducible: the same data and seed give the same map", () => {
    const { dataset } = plantedStore();
    expect(computeInsights(dataset)).toEqual(computeInsights(dataset));
  });

  it("projects points on their two directions of greatest spread (PCA)", () => {
    // Points along (1, 1, 0) with a little spread along (0, 0, 1): the first axis carries the line.
    const vectors = [-2, -1, 0, 1, 2].flatMap((t) => [0.1, -0.1].map((e) => Float64Array.from([t, t, e])));
    const plane = pca2d(vectors);
    const first = plane.map(([x]) => Math.abs(x));
    expect(Math.max(...first)).toBeCloseTo(2 * Math.SQRT2, 5);
    for (const [, y] of plane) expect(Math.abs(y)).toBeCloseTo(0.1, 5);
  });

  it("scores a clean two-cluster split near 1 and a mixed one below 0 (silhouette)", () => {
    const vectors = [0, 0.1, 0.2, 10, 10.1, 10.2].map((x) => Float64Array.from([x]));
    const labels = kMeans(vectors, 2, 1);
    expect(new Set(labels.subarray(0, 3)).size).toBe(1);
    expect(labels[0]).not.toBe(labels[3]);
    expect(silhouette(vectors, labels, 2)).toBeGreaterThan(0.95);
    expect(silhouette(vectors, Int32Array.from([0, 1, 0, 1, 0, 1]), 2)).toBeLessThan(0);
  });
});

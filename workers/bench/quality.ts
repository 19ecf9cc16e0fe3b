import fs from "node:fs";
import { parseArgs } from "node:util";
import { loadMovieLens100k, type IndexedInteractions } from "../../app/engine/eval/interactions";
import { userItems, type UserItems } from "../../app/engine/eval/matrix";
import { evaluate, type RankingMetrics } from "../../app/engine/eval/metrics";
import { EaseScorer, ItemKnnScorer, PopularityScorer, type Scorer } from "../../app/engine/eval/scorers";
import { randomSplit, stratifiedSplit, timeSplit, type Split } from "../../app/engine/eval/split";

// npm run bench:quality -- --dataset <ml-100k folder> --protocol stratified-75-25|random-80-20|time [--cutoff …] [--end …] [--k 10] [--seed 42] [--json]
const usage =
  "usage: npm run bench:quality -- --dataset <ml-100k folder> --protocol stratified-75-25|random-80-20|time [--cutoff 1998-03-01] [--end …] [--k 10] [--seed 42] [--json]";
const fail = (message: string): never => {
  console.error(`bench:quality: ${message}\n${usage}`);
  process.exit(1);
};
let values;
try {
  values = parseArgs({
    options: {
      dataset: { type: "string" },
      orders: { type: "string" },
      map: { type: "string" },
      protocol: { type: "string", default: "stratified-75-25" },
      cutoff: { type: "string" },
      end: { type: "string" },
      k: { type: "string", default: "10" },
      seed: { type: "string", default: "42" },
      json: { type: "boolean", default: false },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
values = values!;
if (values.orders) fail("--orders (the order import format) is not supported by the harness yet; use --dataset with MovieLens 100k");
if (!values.dataset) fail("--dataset is required");
if (!fs.existsSync(values.dataset!)) fail(`--dataset: ${values.dataset} does not exist`);
const k = Number(values.k);
const seed = Number(values.seed);
if (!Number.isInteger(k) || k < 1) fail(`--k must be a positive whole number, got ${values.k}`);

const data = loadMovieLens100k(values.dataset!);
const date = (text: string | undefined, option: string) => {
  const time = Date.parse(text ?? "");
  if (Number.isNaN(time)) fail(`--${option} must be a date such as 1998-03-01, got ${text}`);
  return time;
};
const makeSplit = (among?: Int32Array, splitSeed = seed): Split => {
  switch (values.protocol) {
    case "stratified-75-25":
      return stratifiedSplit(data, 0.75, splitSeed, among);
    case "random-80-20":
      return randomSplit(data, 0.8, splitSeed, among);
    default:
      return fail(`unknown --protocol ${values.protocol}`);
  }
};
let split: Split;
let validation: Split;
if (values.protocol === "time") {
  const cutoff = date(values.cutoff, "cutoff");
  split = timeSplit(data, cutoff, values.end ? date(values.end, "end") : Infinity);
  // Validation: the last stretch of training time, as long as the test period (at most 30 days).
  const trainTimes = split.train.length ? Array.from(split.train, (p) => data.time[p]) : [cutoff];
  const start = Math.min(...trainTimes);
  const validationCutoff = Math.max(start, cutoff - Math.min(30 * 86_400_000, (cutoff - start) / 4));
  const sub = timeSplit({ ...data, time: data.time }, validationCutoff, cutoff);
  validation = { train: sub.train.filter((p) => split.train.includes(p)), test: sub.test };
} else {
  split = makeSplit();
  validation = makeSplit(split.train, seed + 1);
}

const matrices = (parts: Split): [UserItems, UserItems] => [
  userItems(data.users.length, data.items.length, data.user, data.item, parts.train),
  userItems(data.users.length, data.items.length, data.user, data.item, parts.test),
];
const [train, test] = matrices(split);
const [validationTrain, validationTest] = matrices(validation);

/** Hyper-parameters chosen on the validation split (carved from training data only), then refitted on all of training. */
const candidates: { family: string; make: (value: number) => Scorer; grid: number[] }[] = [
  { family: "popularity", make: () => new PopularityScorer(), grid: [0] },
  { family: "item-knn", make: (neighbours) => new ItemKnnScorer({ neighbours }), grid: [50, 100, 200, 400, 800] },
  { family: "ease", make: (lambda) => new EaseScorer({ lambda }), grid: [100, 250, 500, 1000, 2000] },
];

interface Row extends RankingMetrics {
  trainSeconds: number;
  params: Record<string, number>;
  validationNdcg: number;
}
const results: Record<string, Row> = {};
for (const candidate of candidates) {
  let best = { value: candidate.grid[0], ndcg: -1 };
  if (candidate.grid.length > 1) {
    for (const value of candidate.grid) {
      const scorer = candidate.make(value);
      scorer.fit(validationTrain);
      const { ndcg } = evaluate(scorer, validationTrain, validationTest, k);
      if (ndcg > best.ndcg) best = { value, ndcg };
    }
  }
  const scorer = candidate.make(best.value);
  const started = performance.now();
  scorer.fit(train);
  const trainSeconds = (performance.now() - started) / 1000;
  const metrics = evaluate(scorer, train, test, k);
  results[scorer.name] = { ...metrics, trainSeconds, params: scorer.params, validationNdcg: best.ndcg };
  if (!values.json) console.error(`[quality] ${scorer.name} ${JSON.stringify(scorer.params)}: NDCG@${k} ${metrics.ndcg.toFixed(3)}`);
}
const bestName = Object.entries(results).sort((a, b) => b[1].ndcg - a[1].ndcg)[0][0];

const PUBLISHED = [
  ["BiVAE (published)", 0.475, 0.412, 0.219, 0.146],
  ["BPR, Cornac (published)", 0.442, 0.388, 0.213, 0.132],
  ["LightGCN (published)", 0.42, 0.38, 0.144, 0.089],
  ["NCF (published)", 0.396, 0.347, 0.181, 0.108],
  ["SAR (published)", 0.382, 0.331, 0.176, 0.111],
] as const;

if (values.json) {
  const models = Object.fromEntries(
    Object.entries(results).map(([name, row]) => [
      name,
      { ndcg: row.ndcg, precision: row.precision, recall: row.recall, map: row.map, mapAll: row.mapAll, hitRate: row.hitRate, coverage: row.coverage, trainSeconds: row.trainSeconds, params: row.params, view: "all" },
    ]),
  );
  console.log(JSON.stringify({ protocol: values.protocol, k, dataset: "ml-100k", seed, models, best: bestName }));
} else {
  const f = (value: number) => value.toFixed(3);
  console.log(`MovieLens 100k, protocol ${values.protocol}, seed ${seed}, k=${k}: ${data.users.length} users, ${data.items.length} items; ${split.train.length} training and ${split.test.length} test interactions`);
  console.log(`\n| model | NDCG@${k} | Precision@${k} | Recall@${k} | MAP@${k} | MAP | hit rate | coverage | train s | parameters (tuned on validation) |`);
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const [name, row] of Object.entries(results)) {
    console.log(`| ${name}${name === bestName ? " (best)" : ""} | ${f(row.ndcg)} | ${f(row.precision)} | ${f(row.recall)} | ${f(row.map)} | ${f(row.mapAll)} | ${f(row.hitRate)} | ${f(row.coverage)} | ${row.trainSeconds.toFixed(2)} | ${JSON.stringify(row.params)} |`);
  }
  if (values.protocol === "stratified-75-25" && k === 10) {
    for (const [name, ndcg, precision, recall, map] of PUBLISHED) console.log(`| ${name} | ${f(ndcg)} | ${f(precision)} | ${f(recall)} | | ${f(map)} | | | | |`);
  }
}

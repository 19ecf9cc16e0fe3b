import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import {
  buildDataset,
  BuyAgainModel,
  ContentModel,
  CooccurrenceModel,
  EaseModel,
  fitShopModels,
  HybridModel,
  PopularityModel,
  SESSION_EASE,
  type Dataset,
} from "../app/engine";
import { useTfBackend } from "../app/engine/tf/backend";
import { fitAlsParallel } from "../app/engine/models/als";
import { interestRows } from "../app/engine/models/als-model";
import { generateStore } from "../demo/generate";
import { jsonOnStdout } from "./json-output";
import { setting } from "../app/config/env.server";

// npm run bench:train [-- --sizes 100000,1000000,5000000] [--models …] [--json]: seconds and peak
// memory to fit each model on generated stores of each size. Every (size, model) runs in its own
// process, so its peak resident memory is its own: generating the store, indexing it, fitting.
const MODELS = ["popularity", "cooccurrence", "buy-again", "ease", "session-ease", "content", "als", "pipeline", "hybrid"] as const;
type ModelName = (typeof MODELS)[number];
/** The two-tower hybrid alone is measured on request only (`--models hybrid --sizes 100000`): training fits it only in small shops, and at a million interactions it takes many minutes. */
const DEFAULT_MODELS = MODELS.filter((model) => model !== "hybrid");

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000,5000000" },
    models: { type: "string", default: DEFAULT_MODELS.join(",") },
    json: { type: "boolean", default: false },
    child: { type: "string" },
    size: { type: "string" },
  },
});

async function fitOne(model: ModelName, dataset: Dataset) {
  switch (model) {
    case "popularity":
      return PopularityModel.fit(dataset);
    case "cooccurrence":
      return CooccurrenceModel.fit(dataset);
    case "buy-again":
      return BuyAgainModel.fit(dataset);
    case "ease":
      return EaseModel.fit(dataset);
    case "session-ease":
      return EaseModel.fit(dataset, SESSION_EASE);
    case "content":
      return ContentModel.fit(dataset);
    case "hybrid":
      return HybridModel.fit(dataset);
    case "als":
      // On worker threads, one per core.
      return fitAlsParallel(interestRows(dataset));
    case "pipeline":
      // What training fits for a shop (app/models/training.server.ts): the same function.
      return fitShopModels(dataset);
  }
}

if (values.child) {
  const model = values.child as ModelName;
  const size = Number(values.size);
  // Shopper segments with favourite products, streamed into the dataset as they are generated.
  const { items, events } = generateStore({ shape: "segments", interactions: size });
  const dataset = buildDataset(events, items);
  // As training does: EASE's inverse runs its products on TensorFlow.js's fastest backend here.
  await useTfBackend(setting("AFFINITY_TF_BACKEND"));
  const started = performance.now();
  await fitOne(model, dataset);
  const seconds = (performance.now() - started) / 1000;
  const peakMB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      interactions: dataset.events.item.length,
      items: items.length,
      shoppers: dataset.userIds.length,
      model,
      seconds,
      peakMB,
    }),
  );
  process.exit(0);
}

// A child's stdout is its one result line, read by the parent: only the parent reroutes.
const printJson = jsonOnStdout(values.json);
const sizes = values.sizes.split(",").map(Number);
const models = values.models.split(",") as ModelName[];
for (const model of models) if (!MODELS.includes(model)) throw new Error(`unknown model ${model}; use ${MODELS.join(", ")}`);
const runs: { interactions: number; items: number; shoppers: number; model: string; seconds: number; peakMB: number }[] = [];
for (const size of sizes) {
  for (const model of models) {
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "--max-old-space-size=4096", import.meta.filename, "--child", model, "--size", String(size)],
      { encoding: "utf8" },
    );
    if (child.status !== 0) throw new Error(`${model} on ${size} interactions failed:\n${child.stderr}`);
    const run = JSON.parse(child.stdout.trim().split("\n").pop()!);
    runs.push(run);
    if (!values.json)
      console.error(
        `[bench:train] ${size.toLocaleString("en-US")} interactions, ${model}: ${run.seconds.toFixed(2)} s, peak ${run.peakMB} MB`,
      );
  }
}
if (values.json) printJson({ runs });
else {
  console.log("| interactions | products | shoppers | model | seconds | peak MB |\n|---|---|---|---|---|---|");
  for (const run of runs)
    console.log(
      `| ${run.interactions.toLocaleString("en-US")} | ${run.items.toLocaleString("en-US")} | ${run.shoppers.toLocaleString("en-US")} | ${
        run.model
      } | ${run.seconds.toFixed(2)} | ${run.peakMB} |`,
    );
}

// The import direction, checked in CI (`npm run lint:deps`): routes → models → engine; the engine
// imports nothing of the app; nothing in app/ imports the processes (workers/, server.ts), the
// commands, the benchmarks, the demo or the storefront harness; tests are imported by tests only; no cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes evaluation order matter and the pieces impossible to read apart.",
      from: {},
      to: { circular: true },
    },
    {
      name: "engine-is-standalone",
      severity: "error",
      comment: "The recommendation engine is a library: no database, no Shopify, no routes (its tests may use test/fixtures).",
      from: { path: "^app/engine/", pathNot: "\\.test\\.ts$" },
      to: { path: "^(app/(?!engine/)|workers/|commands/|demo/|bench/|storefront-harness/|server\\.ts|client/|test/)" },
    },
    {
      name: "benchmark-models-stay-in-the-benchmarks",
      severity: "error",
      comment:
        "NeuMF, the GRU and SVD are benchmarked, not served: only the benchmarks and the harness's scorers (and their own tests) import them.",
      from: { path: "^", pathNot: "^(bench/|app/engine/(eval/scorers|benchmark-models/.*)\\.ts$)" },
      to: { path: "^app/engine/benchmark-models/" },
    },
    {
      name: "models-not-to-routes",
      severity: "error",
      comment: "Routes call models; models never import a route.",
      from: { path: "^app/(?!routes/)" },
      to: { path: "^app/routes/" },
    },
    {
      name: "app-not-to-tools",
      severity: "error",
      comment: "The app does not import the processes, the commands, the benchmarks, the demo or the storefront harness.",
      from: { path: "^(app|client)/" },
      to: { path: "^(workers|commands|demo|bench|storefront-harness)/|^server\\.ts$" },
    },
    {
      name: "tests-imported-by-tests-only",
      severity: "error",
      from: {
        path: "^(app|workers|commands|demo|bench|storefront-harness|client|server\\.ts)",
        pathNot: "\\.(test|fuzz\\.test|e2e)\\.tsx?$",
      },
      to: { path: "^test/|\\.(test|e2e)\\.tsx?$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|build|extensions/.*/dist)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};

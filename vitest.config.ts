import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.ts", "demo/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    // Database tests create their own databases; running files one at a time keeps
    // the 2-core CI machine from timing out under PGlite's single-threaded WASM.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

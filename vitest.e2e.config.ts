import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// npm run test:e2e: browser tests (playwright-core driving Debian's Chromium at /usr/bin/chromium).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/e2e/**/*.e2e.ts", "test/security/**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
  },
});

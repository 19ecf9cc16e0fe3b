import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [
    remix({
      // AFFINITY_BUILD_DIR: a build elsewhere than build/ (the admin's Web Vitals test builds the current sources).
      buildDirectory: process.env.AFFINITY_BUILD_DIR || "build",
      ignoredRouteFiles: ["**/.*", "**/*.test.ts"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  // Pre-bundled at start-up, so that no page reloads when one is first met (the charts load lazily).
  optimizeDeps: {
    include: [
      "@shopify/app-bridge-react",
      "@shopify/polaris",
      "@shopify/polaris-icons",
      "@shopify/polaris-viz",
      "@shopify/shopify-app-remix/react",
      "@shopify/shopify-app-remix/server",
    ],
  },
  // Server-only packages stay external to the SSR bundle and load from node_modules.
  ssr: { external: ["@prisma/client", "@electric-sql/pglite", "pglite-prisma-adapter", "bullmq", "ioredis"] },
});

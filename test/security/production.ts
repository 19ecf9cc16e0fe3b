import type { ServerBuild } from "@remix-run/node";
import { startServer, type RunningServer } from "../../app/http/web-server.server";

/**
 * The production routing of startServer (the fast paths ahead of Remix, no Vite middleware)
 * over Vite's build of the current sources: what `npm start` serves, without `npm run build`.
 * Start it after startTestApp, whose environment and database it shares.
 */
export async function startProductionServer(): Promise<RunningServer> {
  const { createServer } = await import("vite");
  const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "silent" });
  const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
  const server = await startServer({ host: "127.0.0.1", port: 0, dev: false, build });
  return {
    ...server,
    close: async () => {
      await server.close();
      await vite.close();
    },
  };
}

// The web process, as `npm start` and `shopify app dev` run it: reads .env, checks the settings,
// applies the migrations (on the embedded database; checks them on PostgreSQL), then serves the
// app (app/http/web-server.server.ts) with the job handlers when there is no Redis (workers/web.ts).
// Each step is imported only once the one before has passed, so a missing secret stops the
// process before anything opens the database.
import "dotenv/config";
import { InvalidEnvError } from "./app/config/env.server";
import { MissingSecretsError, requireSecrets } from "./app/config/required-secrets.server";

try {
  requireSecrets("The web process (npm start)");
  const { prepareDatabase } = await import("./app/db/migrate.server");
  await prepareDatabase();
  const [{ serveWebProcess }, { serverOptionsFromEnv }] = await Promise.all([
    import("./workers/web"),
    import("./app/http/web-server.server"),
  ]);
  // The settings were checked above, before the migrations.
  await serveWebProcess(serverOptionsFromEnv());
} catch (thrown) {
  const error = thrown as Error;
  console.error(
    error instanceof MissingSecretsError || error instanceof InvalidEnvError || error.name === "DatabaseNotReadyError"
      ? error.message
      : error,
  );
  process.exit(1);
}

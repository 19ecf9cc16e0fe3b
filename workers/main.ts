import "dotenv/config";
import { InvalidEnvError, setting } from "../app/config/env.server";
import { MissingSecretsError, requireSecrets } from "../app/config/required-secrets.server";
import { databaseTarget } from "../app/db/config.server";
import { prepareDatabase } from "../app/db/migrate.server";
import { allJobs, onTerminate, processJobQueue, repeatingJobs } from "../app/jobs/runtime";
import { shutdownProcess } from "../app/services/registry.server";

// `npm run worker`: consumes jobs from Redis. Run as many as the load needs.
try {
  requireSecrets("The worker (npm run worker)");
} catch (error) {
  if (!(error instanceof MissingSecretsError || error instanceof InvalidEnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (!setting("REDIS_URL")) {
  console.error(
    "npm run worker consumes jobs from Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379). " +
      "Without Redis, jobs run inside the web process (npm start, npm run demo).",
  );
  process.exit(1);
}
if (databaseTarget().kind === "pglite") {
  console.error(
    "npm run worker needs a database it can share with the web process: set DATABASE_URL to a " +
      "PostgreSQL server. The embedded database serves one process at a time.",
  );
  process.exit(1);
}

try {
  await prepareDatabase();
} catch (error) {
  console.error(`npm run worker: ${(error as Error).message}`);
  process.exit(1);
}
const queue = processJobQueue();
await queue.startWorkers(allJobs);
for (const { definition, everyMs } of repeatingJobs) await queue.repeat(definition, everyMs);
console.log(`[affinity] worker consuming ${allJobs.map((job) => job.name).join(", ")} from Redis`);
onTerminate(shutdownProcess);

import { PrismaClient } from "@prisma/client";
import { openAdapter } from "./db/adapter.server";
import type { DatabaseTarget } from "./db/config.server";
import type { RawDatabase } from "./db/raw.server";
import { processService } from "./services/registry.server";

export interface Database {
  prisma: PrismaClient;
  /** The same database through its driver, for bulk writes. */
  raw: RawDatabase;
  close: () => Promise<void>;
}

/** A Prisma client on PGlite or PostgreSQL, as configured (or for an explicit target in tests). */
export function connectDatabase(purpose: string, target?: DatabaseTarget): Database {
  const adapter = openAdapter(purpose, target);
  const prisma = new PrismaClient({ adapter: adapter.factory });
  return {
    prisma,
    raw: adapter.raw,
    close: async () => {
      await prisma.$disconnect();
      await adapter.close();
    },
  };
}

/** The process's one client (PGlite cannot open its folder twice), closed last at shutdown. */
export function processDatabase(): Database {
  return processService("database", () => connectDatabase(process.argv.slice(1, 3).join(" ") || "affinity"));
}

const prisma = processDatabase().prisma;
export default prisma;

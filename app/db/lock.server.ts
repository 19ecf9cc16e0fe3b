import fs from "node:fs";
import path from "node:path";

/**
 * PGlite serves one process at a time; a second process opening the same folder would
 * corrupt it. A lock file holding the owner's PID turns that into a clear error.
 * A lock left by a process that no longer runs is taken over.
 */
export function lockDataDir(dataDir: string, purpose: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(path.dirname(dataDir), "affinity.lock");
  const owner = JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, owner, { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readOwner(lockPath)?.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readOwner(lockPath);
      if (holder && holder.pid !== process.pid && isRunning(holder.pid)) {
        throw new Error(
          `The embedded database in ${path.dirname(dataDir)} is in use by process ${holder.pid} ` +
            `(${holder.purpose}, since ${holder.since}). Stop that process first, or set ` +
            "DATABASE_URL to a PostgreSQL server so that several processes can share the data.",
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${lockPath}; remove it if no Affinity process is running.`);
}

function readOwner(lockPath: string): { pid: number; purpose: string; since: string } | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath, "utf8"));
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * `--json`: stdout carries the one JSON object and nothing else, so that
 * `npm run -s bench:… -- --json | node -e …` can parse all of it. Everything else this process
 * prints, its own progress and what libraries print with console.log (Vite, Remix, Prisma,
 * TensorFlow.js), goes to stderr from the moment this is called. Child processes that inherit
 * stdout write to the file descriptor directly: spawn them with `childStdout(json)`.
 * Returns what prints the result: JSON on the real stdout in JSON mode, nothing otherwise.
 */
export function jsonOnStdout(json: boolean): (result: unknown) => void {
  if (!json) return () => {};
  const toStdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return (result) => void toStdout(JSON.stringify(result) + "\n");
}

/** A child process's stdout: this process's stdout, or its stderr in JSON mode. */
export const childStdout = (json: boolean): "inherit" | NodeJS.WriteStream => (json ? process.stderr : "inherit");

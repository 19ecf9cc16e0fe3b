/**
 * The error for a saved model whose version this build has no reader for: it names the model,
 * the version it was saved as and the versions this build reads (1 to `current`).
 */
export function unreadableVersion(modelName: string, version: unknown, current: number): Error {
  const readable = Array.from({ length: current }, (_, index) => index + 1);
  const list = readable.length > 1 ? `${readable.slice(0, -1).join(", ")} or ${readable[readable.length - 1]}` : `${current}`;
  return new Error(`Model "${modelName}" was saved as version ${String(version)}; this build reads version ${list}`);
}

import fc from "fast-check";
import { expect } from "vitest";
import { textProblem } from "../../app/text-input.server";

/**
 * Shared pieces of the property-based tests. Runs are seeded, so `npm test` (and CI) tries the
 * same cases every time and a failure is reproducible. A failing property prints its seed and
 * the shrunk counterexample; FUZZ_SEED=<seed> replays that run, FUZZ_SEED=random explores new
 * cases, and FUZZ_RUNS=<n> runs more cases than the defaults each test chooses.
 */
const DEFAULT_SEED = 20_261_202;
if (process.env.FUZZ_SEED !== "random") fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? DEFAULT_SEED) });

/** The number of cases for a property: the test's own choice unless FUZZ_RUNS asks for more. */
export const runs = (numRuns: number) => ({ numRuns: Number(process.env.FUZZ_RUNS) || numRuns });

/** Characters that PostgreSQL text cannot take (NUL) or UTF-8 cannot encode (lone surrogates). */
const unstorable = fc.constantFrom("\u0000", "\ud800", "\udfff", "\udc00x", "x\ud83d");

/** Text that may not be stored: ordinary text with at least one NUL or lone surrogate inside. */
export const badText = fc
  .tuple(fc.string({ maxLength: 12 }), unstorable, fc.string({ maxLength: 12 }))
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** Any text: printable, any UTF-16 code units, the unstorable ones, and the odd number-like ones. */
export const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  badText,
  fc.constantFrom("", " ", "0x10", "1e1", " 8", "+8", "8.0", "-1", "NaN", "Infinity", "0", "9".repeat(30), "x".repeat(300), ",,,", "%00"),
);

/** Any JSON leaf or small tree, with hostile texts and numbers among them. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  anyText,
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, -1, 0, 1.5, 1e300, null, true, [], {}),
);

type Path = (string | number)[];

/** Every leaf of a JSON value (text, number, boolean, null, empty array or object) by its path. */
export function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.length ? value.flatMap((item, index) => leafPaths(item, [...path, index])) : [path];
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([key, item]) => leafPaths(item, [...path, key])) : [path];
  }
  return [path];
}

/** A copy of `value` with the leaf at `path` replaced (the path's parents are kept). */
export function replaceAt<T>(value: T, path: Path, leaf: unknown): T {
  if (!path.length) return leaf as T;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = leaf;
  return copy as T;
}

/**
 * A valid example with one leaf replaced by anything, or one key removed, or a hostile text
 * added under a new key: the shapes a confused or malicious sender produces.
 */
export function mutated<T>(examples: T[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...examples), fc.nat(), anyJson, fc.constantFrom("replace", "replace", "replace", "remove", "add"))
    .map(([example, pick, leaf, how]) => {
      const paths = leafPaths(example);
      const path = paths[pick % paths.length];
      if (how === "replace") return replaceAt(example, path, leaf);
      if (how === "remove" && path.length) {
        const copy = structuredClone(example) as Record<string | number, unknown>;
        let node = copy;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
        if (Array.isArray(node)) node.splice(Number(path[path.length - 1]), 1);
        else delete node[path[path.length - 1]];
        return copy;
      }
      return replaceAt(example, [...path.slice(0, -1), "\u0000extra"], leaf);
    });
}

/** The texts inside a parsed value that could not be stored, by path (empty when all can). */
export function unstorableTexts(value: unknown, max = 1_000_000, path: Path = []): string[] {
  if (typeof value === "string") return textProblem(value, max) ? [path.join(".") || "(value)"] : [];
  if (value instanceof Date || value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => unstorableTexts(item, max, [...path, key]));
}

/** What a schema's safeParse must give for any input: data whose texts can all be stored, or issues that name a field. */
export function expectStorableOrFieldErrors(
  result: { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } },
) {
  if (result.success) expect(unstorableTexts(result.data)).toEqual([]);
  else {
    expect(result.error.issues.length).toBeGreaterThan(0);
    for (const issue of result.error.issues) expect(issue.message).toEqual(expect.any(String));
  }
}

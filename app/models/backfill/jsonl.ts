import { createInterface } from "node:readline";
import { Readable } from "node:stream";

/** A root object of a bulk result with the child objects that name it as __parentId. */
export interface BulkRecord {
  /** 1-based line of the root object in the file. */
  line: number;
  node: Record<string, unknown>;
  children: Record<string, unknown>[];
}

class BulkFileError extends Error {}

/** Lines of a JSONL body, read as they arrive: memory stays bounded whatever the file's size. */
export async function* jsonlLines(url: string): AsyncGenerator<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body)
    throw new BulkFileError(`could not download the bulk result (HTTP ${response.status}) from ${new URL(url).origin}`);
  const lines = createInterface({
    input: Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line.trim()) yield line;
}

/**
 * Groups a bulk result (requested with groupObjects: true, so children follow their parent)
 * into root records. A child whose parent is not the record in hand is an error naming the line.
 */
export async function* bulkRecords(lines: AsyncIterable<string>): AsyncGenerator<BulkRecord> {
  let current: BulkRecord | null = null;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    let object: Record<string, unknown>;
    try {
      object = JSON.parse(line);
    } catch {
      throw new BulkFileError(`line ${lineNumber} of the bulk result is not JSON: ${line.slice(0, 80)}`);
    }
    const parentId = object.__parentId;
    if (parentId === undefined) {
      if (current) yield current;
      current = { line: lineNumber, node: object, children: [] };
    } else if (current && parentId === current.node.id) {
      current.children.push(object);
    } else {
      throw new BulkFileError(`line ${lineNumber} of the bulk result belongs to ${String(parentId)}, which is not the object before it`);
    }
  }
  if (current) yield current;
}

/** "gid://shopify/Product/632910392" → "632910392", the id REST webhooks use. */
export function legacyId(gid: unknown): string {
  const text = String(gid);
  return text.slice(text.lastIndexOf("/") + 1);
}

export function gidType(gid: unknown): string {
  const match = /^gid:\/\/shopify\/([^/]+)\//.exec(String(gid));
  return match ? match[1] : "";
}

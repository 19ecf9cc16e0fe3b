import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import { indexInteractions, type IndexedInteractions } from "../app/engine/eval/interactions";
import type { EngineItem } from "../app/engine/types";
import { cleanRow, normaliseHeader } from "../app/models/import/order-rows";
import { generateDemoStore, type DemoOptions } from "../demo/generate";

/**
 * Purchases from order files in the import format (a file or a folder of CSVs, with --map), cleaned
 * exactly as `npm run import` cleans them: one interaction per customer, product and order line;
 * guests (no customer id) and returns are left out, and so are the rows the import skips.
 */
export async function loadOrderHistory(
  source: string,
  map: Map<string, string>,
): Promise<IndexedInteractions & { catalogue: EngineItem[] }> {
  const files = fs.statSync(source).isDirectory()
    ? fs
        .readdirSync(source)
        .filter((name) => name.toLowerCase().endsWith(".csv"))
        .sort()
        .map((name) => path.join(source, name))
    : [source];
  const rows: { user: string; item: string; time: number; rating: number }[] = [];
  const products = new Map<string, EngineItem>();
  for (const file of files) {
    const name = path.basename(file);
    let header: string[] | null = null;
    const parser = fs.createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = normaliseHeader(name, record, map);
        continue;
      }
      const line = cleanRow(name, info.lines, Object.fromEntries(header.map((column, index) => [column, record[index]])));
      if ("skip" in line || !line.customerId || line.quantity <= 0) continue;
      rows.push({ user: line.customerId, item: line.productId, time: line.createdAt.getTime(), rating: line.quantity });
      if (!products.has(line.productId)) {
        products.set(line.productId, {
          id: line.productId,
          title: line.title ?? line.productId,
          description: line.description ?? undefined,
          productType: line.productType ?? undefined,
          vendor: line.vendor ?? undefined,
          tags: line.tags,
        });
      }
    }
  }
  rows.sort((a, b) => a.time - b.time);
  const data = indexInteractions(rows);
  return { ...data, catalogue: data.items.map((id) => products.get(id)!) };
}

/**
 * The purchases of the generated demo store (`npm run demo`'s, by default): two years of orders
 * whose categories sell by season, one interaction per customer, product and order line.
 */
export function demoOrderHistory(options: DemoOptions = {}): IndexedInteractions & { catalogue: EngineItem[] } {
  const store = generateDemoStore(options);
  const rows = store.orders
    .flatMap((order) =>
      order.lines.map((line) => ({
        user: order.customerExternalId,
        item: line.productExternalId,
        time: order.processedAt.getTime(),
        rating: line.quantity,
      })),
    )
    .sort((a, b) => a.time - b.time);
  const data = indexInteractions(rows);
  const products = new Map(store.products.map((product) => [product.externalId, product]));
  const catalogue = data.items.map((id) => {
    const product = products.get(id)!;
    return {
      id,
      title: product.title,
      description: product.description,
      productType: product.productType,
      vendor: product.vendor,
      tags: product.tags,
    };
  });
  return { ...data, catalogue };
}

import { v7 as orderedUuid } from "uuid";
import type { SqlRunner } from "../../db/raw.server";

export interface NewProduct {
  externalId: string;
  title: string;
  description?: string;
  productType?: string;
  vendor?: string;
  tags?: string[];
  price?: number | null;
}

export interface NewCustomer {
  externalId: string;
  country?: string | null;
}

/**
 * Row ids of a shop's products and customers by the store's own ids, for bulk imports. A
 * product or customer seen for the first time is created with what the file says about it; one
 * already stored (by an earlier import, the catalogue file or a sync) is left as it is.
 */
export class ExternalIds {
  readonly products = new Map<string, string>();
  readonly customers = new Map<string, string>();
  constructor(
    private readonly sql: SqlRunner,
    private readonly shopId: string,
  ) {}

  async ensureProducts(candidates: Iterable<NewProduct>) {
    const fresh = this.unseen(this.products, candidates);
    if (!fresh.length) return;
    const ids = fresh.map(() => orderedUuid());
    const { rows } = await this.sql.query<{ id: string; externalId: string }>(
      `INSERT INTO "Product" ("id", "shopId", "externalId", "title", "description", "productType", "vendor", "tags", "priceMin", "priceMax", "updatedAt")
       SELECT p.id, $1, p.external_id, p.title, p.description, p.product_type, p.vendor, string_to_array(p.tags, '|'), coalesce(p.price, 0), coalesce(p.price, 0), now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[])
         AS p(id, external_id, title, description, product_type, vendor, tags, price)
       ON CONFLICT ("shopId", "externalId") DO NOTHING
       RETURNING "id", "externalId"`,
      [
        this.shopId,
        ids,
        fresh.map((p) => p.externalId),
        fresh.map((p) => p.title),
        fresh.map((p) => p.description ?? ""),
        fresh.map((p) => p.productType ?? ""),
        fresh.map((p) => p.vendor ?? ""),
        fresh.map((p) => (p.tags ?? []).join("|")),
        fresh.map((p) => p.price ?? null),
      ],
    );
    await this.remember(this.products, "Product", fresh, rows);
  }

  async ensureCustomers(candidates: Iterable<NewCustomer>) {
    const fresh = this.unseen(this.customers, candidates);
    if (!fresh.length) return;
    const { rows } = await this.sql.query<{ id: string; externalId: string }>(
      `INSERT INTO "Customer" ("id", "shopId", "externalId", "country", "updatedAt")
       SELECT c.id, $1, c.external_id, c.country, now()
       FROM unnest($2::text[], $3::text[], $4::text[]) AS c(id, external_id, country)
       ON CONFLICT ("shopId", "externalId") DO NOTHING
       RETURNING "id", "externalId"`,
      [this.shopId, fresh.map(() => orderedUuid()), fresh.map((c) => c.externalId), fresh.map((c) => c.country ?? null)],
    );
    await this.remember(this.customers, "Customer", fresh, rows);
  }

  private unseen<T extends { externalId: string }>(known: Map<string, string>, candidates: Iterable<T>): T[] {
    const fresh = new Map<string, T>();
    for (const candidate of candidates) {
      if (!known.has(candidate.externalId) && !fresh.has(candidate.externalId)) fresh.set(candidate.externalId, candidate);
    }
    return [...fresh.values()];
  }

  /** Records the rows just created, then looks up the ones that already existed. */
  private async remember(
    known: Map<string, string>,
    table: "Product" | "Customer",
    fresh: { externalId: string }[],
    created: { id: string; externalId: string }[],
  ) {
    for (const row of created) known.set(row.externalId, row.id);
    const existing = fresh.filter((row) => !known.has(row.externalId)).map((row) => row.externalId);
    for (const row of await rowIdsOf(this.sql, table, this.shopId, existing)) known.set(row.externalId, row.id);
  }
}

/** Row ids by external id: one array parameter for the whole lookup. */
export async function rowIdsOf(sql: SqlRunner, table: "Product" | "Customer" | "Order", shopId: string, externalIds: string[]) {
  if (!externalIds.length) return [];
  const { rows } = await sql.query<{ id: string; externalId: string }>(
    `SELECT "id", "externalId" FROM "${table}" WHERE "shopId" = $1 AND "externalId" = ANY($2::text[])`,
    [shopId, externalIds],
  );
  return rows;
}

/**
 * Bulk operation queries for the history backfill, Admin GraphQL API 2026-07
 * (https://shopify.dev/docs/api/usage/bulk-operations/queries). A bulk query may hold at
 * most five connections, nested at most two levels deep; lists such as Order.refunds may
 * not contain connections, so refunded quantities come from LineItem.currentQuantity.
 */
export const BULK_OPERATION_RUN = `#graphql
  mutation AffinityBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation { id status }
      userErrors { code field message }
    }
  }`;

export const BULK_OPERATION_STATUS = `#graphql
  query AffinityBulkStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation { id status errorCode objectCount rootObjectCount url partialDataUrl }
    }
  }`;

export const PRODUCTS_QUERY = `{
  products {
    edges {
      node {
        id handle title description productType vendor tags status isGiftCard createdAt updatedAt publishedAt
        featuredMedia { preview { image { url altText } } }
        variants { edges { node { id title sku price compareAtPrice inventoryQuantity inventoryItem { id } } } }
        collections { edges { node { id handle title } } }
      }
    }
  }
}`;

export const CUSTOMERS_QUERY = `{
  customers {
    edges {
      node { id firstName lastName tags createdAt updatedAt defaultAddress { countryCodeV2 provinceCode city } }
    }
  }
}`;

/** Orders placed since `since` (orders older than 60 days need the read_all_orders scope). */
export function ordersQuery(since: Date): string {
  return `{
  orders(query: "created_at:>='${since.toISOString()}'", sortKey: CREATED_AT) {
    edges {
      node {
        id name createdAt processedAt updatedAt cancelledAt test currencyCode displayFinancialStatus
        totalPriceSet { shopMoney { amount } }
        customer { id }
        billingAddress { countryCodeV2 }
        refunds { id createdAt }
        lineItems {
          edges {
            node { id title quantity currentQuantity isGiftCard product { id } variant { id } originalUnitPriceSet { shopMoney { amount } } }
          }
        }
      }
    }
  }
}`;
}

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
  partialDataUrl: string | null;
}

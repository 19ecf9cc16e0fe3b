import http from "node:http";
import type { AddressInfo } from "node:net";
import { Kind, parse, valueFromASTUntyped, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";

/**
 * A local stand-in for the Admin GraphQL API (2026-07), speaking its request and response
 * shapes: POST /admin/api/<version>/graphql.json with X-Shopify-Access-Token; bulk operations
 * (bulkOperationRunQuery, node(id:) polling, JSONL results with __parentId, the documented
 * limits of five connections nested two levels deep, one bulk query at a time); and the web
 * pixel mutations. Bulk queries are executed against an in-memory store, returning exactly
 * the fields asked for.
 */
type Obj = Record<string, unknown>;

export interface FakeStore {
  products: Obj[];
  customers: Obj[];
  orders: Obj[];
}

interface Operation {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED";
  polls: number;
  lines: string[];
  rootObjectCount: number;
  root: string;
}

export interface FakeAdminOptions {
  accessToken: string;
  store: FakeStore;
  /** Polls an operation stays RUNNING before it completes. */
  pollsToComplete?: number;
  /** Delay between JSONL lines served for a root field (to test a worker killed mid-download). */
  lineDelayMs?: Partial<Record<string, number>>;
  /** The store's themes and their files, for the themes query (read_themes). */
  themes?: FakeTheme[];
}

export interface FakeAdmin {
  origin: string;
  operations: Operation[];
  webPixel: { id: string; settings: string } | null;
  requests: { query: string; variables: Obj }[];
  /** The app's subscriptions (Billing API), for appSubscriptionCreate/Cancel and currentAppInstallation. */
  billing: FakeBilling;
  close(): Promise<void>;
}

const CONNECTION_LIMIT = 5;
const NESTING_LIMIT = 2;

export async function startFakeAdmin(options: FakeAdminOptions): Promise<FakeAdmin> {
  const fake: FakeAdmin = {
    origin: "",
    operations: [],
    webPixel: null,
    requests: [],
    billing: new FakeBilling(() => fake.origin),
    close: async () => {},
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && url.pathname.startsWith("/bulk/")) return serveResult(url.pathname.slice(6, -6), res);
    if (req.method !== "POST" || !/^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/.test(url.pathname))
      return send(404, { errors: "Not Found" });
    if (req.headers["x-shopify-access-token"] !== options.accessToken) {
      return send(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    const { query, variables = {} } = JSON.parse(body) as { query: string; variables?: Obj };
    fake.requests.push({ query, variables });
    try {
      send(200, answer(query, variables));
    } catch (error) {
      send(200, { errors: [{ message: (error as Error).message, locations: [], extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    }
  });

  async function serveResult(id: string, res: http.ServerResponse) {
    const operation = fake.operations.find((candidate) => candidate.id.endsWith(`/${id}`));
    if (!operation) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/jsonl" });
    const delay = options.lineDelayMs?.[operation.root] ?? 0;
    for (const line of operation.lines) {
      if (res.destroyed) return;
      res.write(line + "\n");
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    res.end();
  }

  function answer(query: string, variables: Obj): Obj {
    const document = parse(query);
    // Fragments may come first (the Billing API queries start with theirs).
    const definition = document.definitions.find((candidate) => candidate.kind === Kind.OPERATION_DEFINITION) ?? document.definitions[0];
    if (definition.kind !== Kind.OPERATION_DEFINITION) throw new Error("expected an operation");
    const field = definition.selectionSet.selections[0] as FieldNode;
    switch (field.name.value) {
      case "bulkOperationRunQuery":
        return { data: { bulkOperationRunQuery: runBulkQuery(String(variables.query)) } };
      case "node": {
        const operation = fake.operations.find((candidate) => candidate.id === variables.id);
        if (!operation) return { data: { node: null } };
        if (operation.status === "CREATED" || operation.status === "RUNNING") {
          operation.polls++;
          operation.status = operation.polls >= (options.pollsToComplete ?? 2) ? "COMPLETED" : "RUNNING";
        }
        const completed = operation.status === "COMPLETED";
        return {
          data: {
            node: {
              id: operation.id,
              status: operation.status,
              errorCode: null,
              objectCount: String(completed ? operation.lines.length : 0),
              rootObjectCount: String(completed ? operation.rootObjectCount : 0),
              url: completed && operation.lines.length ? `${fake.origin}/bulk/${operation.id.split("/").pop()}.jsonl` : null,
              partialDataUrl: null,
            },
          },
        };
      }
      case "themes":
        return { data: { themes: answerThemes(options.themes ?? [], field, variables) } };
      case "webPixel":
        if (!fake.webPixel)
          return {
            data: { webPixel: null },
            errors: [{ message: "No web pixel was found for this app.", extensions: { code: "NOT_FOUND" } }],
          };
        return { data: { webPixel: fake.webPixel } };
      case "webPixelCreate":
      case "webPixelUpdate": {
        const input = variables.webPixel as { settings: string };
        const settings = JSON.parse(input.settings) as Obj;
        const missing = ["endpoint", "pixelKey"].filter((key) => typeof settings[key] !== "string" || !settings[key]);
        const name = field.name.value;
        if (missing.length) {
          return {
            data: {
              [name]: {
                webPixel: null,
                userErrors: [{ code: "INVALID_SETTINGS", field: ["settings"], message: `missing ${missing.join(", ")}` }],
              },
            },
          };
        }
        if (name === "webPixelCreate" && fake.webPixel) {
          return { data: { [name]: { webPixel: null, userErrors: [{ code: "TAKEN", field: null, message: "Web pixel is taken." }] } } };
        }
        fake.webPixel = { id: fake.webPixel?.id ?? "gid://shopify/WebPixel/1", settings: input.settings };
        return { data: { [name]: { webPixel: fake.webPixel, userErrors: [] } } };
      }
      case "appSubscriptionCreate":
      case "appSubscriptionCancel":
      case "currentAppInstallation":
        return { data: { [field.name.value]: fake.billing.answer(field, variables, fragmentsOf(document.definitions)) } };
      default:
        throw new Error(`Field '${field.name.value}' doesn't exist on type 'QueryRoot'`);
    }
  }

  function runBulkQuery(query: string) {
    const running = fake.operations.find((operation) => operation.status === "CREATED" || operation.status === "RUNNING");
    if (running) {
      return {
        bulkOperation: null,
        userErrors: [
          {
            code: "OPERATION_IN_PROGRESS",
            field: ["query"],
            message: `A bulk query operation for this app and shop is already in progress: ${running.id}.`,
          },
        ],
      };
    }
    const document = parse(query);
    const definition = document.definitions[0];
    if (definition.kind !== Kind.OPERATION_DEFINITION) throw new Error("expected a query");
    const root = definition.selectionSet.selections[0] as FieldNode;
    const connections = countConnections(definition.selectionSet, 0);
    if (connections.total === 0) return invalid("Bulk queries must contain at least one connection.");
    if (connections.total > CONNECTION_LIMIT) return invalid(`Bulk queries cannot contain more than ${CONNECTION_LIMIT} connections.`);
    if (connections.depth > NESTING_LIMIT)
      return invalid(`Bulk queries cannot contain connections with a nesting depth greater than ${NESTING_LIMIT}.`);
    const items = rootItems(root);
    const lines: string[] = [];
    for (const item of items) emit(item, nodeSelection(root), undefined, lines);
    const operation: Operation = {
      id: `gid://shopify/BulkOperation/${1000 + fake.operations.length}`,
      status: "CREATED",
      polls: 0,
      lines,
      rootObjectCount: items.length,
      root: root.name.value,
    };
    fake.operations.push(operation);
    return { bulkOperation: { id: operation.id, status: operation.status }, userErrors: [] };
  }

  function rootItems(root: FieldNode): Obj[] {
    const items = options.store[root.name.value as keyof FakeStore];
    if (!items) throw new Error(`Field '${root.name.value}' doesn't exist on type 'QueryRoot'`);
    const search = root.arguments?.find((argument) => argument.name.value === "query");
    if (!search || search.value.kind !== Kind.STRING) return items;
    // The search syntax Affinity uses: created_at:>='<ISO date>'.
    const since = /created_at:>=['"]?([^'"\s]+)/.exec(search.value.value)?.[1];
    return since ? items.filter((item) => String(item.createdAt) >= since) : items;
  }

  const listener = await new Promise<http.Server>((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
  fake.origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

export interface FakeTheme {
  id: string;
  name: string;
  role: "MAIN" | "UNPUBLISHED" | "DEVELOPMENT" | "DEMO";
  files: { filename: string; content: string }[];
}

/**
 * QueryRoot.themes(first, roles) { nodes { id name role files(filenames, first) { nodes { filename
 * body { ... on OnlineStoreThemeFileBodyText { content } } } } } }: `*` in a filename matches any
 * characters within a name, and at most 50 filenames are taken, as the Admin API documents.
 */
function answerThemes(themes: FakeTheme[], field: FieldNode, variables: Obj) {
  const argument = (node: FieldNode, name: string) => node.arguments?.find((candidate) => candidate.name.value === name)?.value;
  const valueOf = (value: ReturnType<typeof argument>): unknown => {
    if (!value) return undefined;
    if (value.kind === Kind.VARIABLE) return variables[value.name.value];
    if (value.kind === Kind.LIST) return value.values.map((entry) => ("value" in entry ? entry.value : undefined));
    return "value" in value ? value.value : undefined;
  };
  const roles = valueOf(argument(field, "roles")) as string[] | undefined;
  const first = Number(valueOf(argument(field, "first")) ?? 50);
  const nodesField = field.selectionSet?.selections.find((s) => s.kind === Kind.FIELD && s.name.value === "nodes") as FieldNode | undefined;
  if (!nodesField) throw new Error("Affinity's fake answers themes { nodes { ... } } only");
  const filesField = nodesField.selectionSet?.selections.find((s) => s.kind === Kind.FIELD && s.name.value === "files") as
    FieldNode | undefined;
  const chosen = themes.filter((theme) => !roles || roles.includes(theme.role)).slice(0, first);
  return {
    nodes: chosen.map((theme) => {
      const node: Obj = { id: theme.id, name: theme.name, role: theme.role };
      if (filesField) {
        const filenames = valueOf(argument(filesField, "filenames")) as string[] | undefined;
        if (filenames && filenames.length > 50) throw new Error("filenames: at most 50 filenames can be specified");
        const patterns = filenames?.map((name) => new RegExp("^" + name.split("*").map(escapeRegExp).join("[^/]*") + "$"));
        const files = theme.files.filter((file) => !patterns || patterns.some((pattern) => pattern.test(file.filename)));
        node.files = {
          nodes: files
            .slice(0, Number(valueOf(argument(filesField, "first")) ?? 50))
            .map((file) => ({ filename: file.filename, body: { content: file.content } })),
          userErrors: [],
        };
      }
      return node;
    }),
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function invalid(message: string) {
  return { bulkOperation: null, userErrors: [{ code: "INVALID", field: ["query"], message }] };
}

function isConnection(field: FieldNode): boolean {
  return Boolean(field.selectionSet?.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === "edges"));
}

function nodeSelection(connection: FieldNode): SelectionSetNode {
  const edges = connection.selectionSet!.selections.find((s) => s.kind === Kind.FIELD && s.name.value === "edges") as FieldNode;
  const node = edges.selectionSet!.selections.find((s) => s.kind === Kind.FIELD && s.name.value === "node") as FieldNode;
  return node.selectionSet!;
}

function countConnections(selectionSet: SelectionSetNode, depth: number): { total: number; depth: number } {
  let total = 0;
  let deepest = depth;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    if (isConnection(selection)) {
      const inner = countConnections(nodeSelection(selection), depth + 1);
      total += 1 + inner.total;
      deepest = Math.max(deepest, inner.depth, depth + 1);
    } else {
      const inner = countConnections(selection.selectionSet, depth);
      total += inner.total;
      deepest = Math.max(deepest, inner.depth);
    }
  }
  return { total, depth: deepest };
}

/** Writes an object's line with the fields asked for, then one line per connection child. */
function emit(item: Obj, selectionSet: SelectionSetNode, parentId: string | undefined, lines: string[]) {
  const own: Obj = {};
  const connections: [FieldNode, Obj[]][] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.name.value;
    if (!(name in item)) throw new Error(`Field '${name}' doesn't exist on the object ${String(item.id)}`);
    if (isConnection(selection)) connections.push([selection, (item[name] as Obj[]) ?? []]);
    else own[name] = project(item[name], selection.selectionSet);
  }
  if (parentId) own.__parentId = parentId;
  lines.push(JSON.stringify(own));
  for (const [field, children] of connections) for (const child of children) emit(child, nodeSelection(field), String(item.id), lines);
}

function project(value: unknown, selectionSet: SelectionSetNode | undefined): unknown {
  if (!selectionSet || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) {
    if (selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && isConnection(selection))) {
      throw new Error("Bulk queries cannot contain connections inside list fields.");
    }
    return value.map((entry) => project(entry, selectionSet));
  }
  const out: Obj = {};
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.name.value;
    const source = value as Obj;
    if (!(name in source)) throw new Error(`Field '${name}' doesn't exist`);
    out[name] = project(source[name], selection.selectionSet);
  }
  return out;
}

// ------------------------------------------------------------------------------ billing

export interface FakeSubscription {
  id: string;
  name: string;
  status: "PENDING" | "ACTIVE" | "CANCELLED" | "DECLINED" | "EXPIRED" | "FROZEN";
  test: boolean;
  trialDays: number;
  createdAt: string;
  currentPeriodEnd: string | null;
  returnUrl: string;
  lineItems: Obj[];
  /** The prorate argument appSubscriptionCancel was given. */
  prorated?: boolean;
}

/**
 * The app's subscriptions as Shopify keeps them: appSubscriptionCreate makes a PENDING one and a
 * confirmation URL; the merchant approving it there (approve) makes it ACTIVE and cancels the
 * one it replaces; appSubscriptionCancel and uninstalling cancel. Answers carry exactly the
 * fields (fragments and inline fragments included) the query selects.
 */
export class FakeBilling {
  subscriptions: FakeSubscription[] = [];

  constructor(private readonly origin: () => string) {}

  /** The merchant approves the charge on Shopify's confirmation page. */
  approve(id: string, now = new Date()) {
    const subscription = this.subscriptions.find((candidate) => candidate.id === id);
    if (!subscription || subscription.status !== "PENDING") throw new Error(`no pending subscription ${id}`);
    for (const other of this.subscriptions) if (other.status === "ACTIVE") other.status = "CANCELLED";
    subscription.status = "ACTIVE";
    subscription.currentPeriodEnd = new Date(now.getTime() + (subscription.trialDays + 30) * 86_400_000).toISOString();
  }

  /** Shopify cancels the app's subscriptions when the app is uninstalled. */
  uninstall() {
    for (const subscription of this.subscriptions)
      if (subscription.status === "ACTIVE" || subscription.status === "PENDING") subscription.status = "CANCELLED";
  }

  answer(field: FieldNode, variables: Obj, fragments: Fragments): Obj | null {
    const args = Object.fromEntries(
      (field.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value, variables)]),
    ) as Obj;
    const selection = field.selectionSet!;
    if (field.name.value === "currentAppInstallation") {
      const installation = {
        activeSubscriptions: this.subscriptions.filter((subscription) => subscription.status === "ACTIVE"),
        oneTimePurchases: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      };
      return select(installation, selection, fragments) as Obj;
    }
    const result = field.name.value === "appSubscriptionCreate" ? this.create(args) : this.cancel(args);
    return select(result, selection, fragments) as Obj;
  }

  private create(args: Obj) {
    const lineItems = (args.lineItems as Obj[] | undefined) ?? [];
    const errors: { field: string[]; message: string }[] = [];
    if (typeof args.name !== "string" || !args.name.trim()) errors.push({ field: ["name"], message: "Name can't be blank" });
    if (typeof args.returnUrl !== "string" || !URL.canParse(args.returnUrl))
      errors.push({ field: ["returnUrl"], message: "Return url is not a valid URL" });
    if (!lineItems.length) errors.push({ field: ["lineItems"], message: "Line items can't be blank" });
    const details = lineItems.map((item) => (item.plan as Obj | undefined)?.appRecurringPricingDetails as Obj | undefined);
    if (details.some((detail) => !detail || !(Number((detail.price as Obj | undefined)?.amount) > 0)))
      errors.push({ field: ["lineItems"], message: "Price must be greater than 0" });
    if (errors.length) return { appSubscription: null, confirmationUrl: null, userErrors: errors };
    const number = 1000 + this.subscriptions.length;
    const subscription: FakeSubscription = {
      id: `gid://shopify/AppSubscription/${number}`,
      name: String(args.name),
      status: "PENDING",
      test: args.test === true,
      trialDays: Number(args.trialDays ?? 0),
      createdAt: new Date().toISOString(),
      currentPeriodEnd: null,
      returnUrl: String(args.returnUrl),
      lineItems: details.map((detail, index) => ({
        id: `gid://shopify/AppSubscriptionLineItem/${number}${index}?v=1&index=${index}`,
        plan: {
          pricingDetails: {
            __typename: "AppRecurringPricing",
            interval: detail!.interval ?? "EVERY_30_DAYS",
            discount: null,
            price: { amount: Number((detail!.price as Obj).amount).toFixed(1), currencyCode: (detail!.price as Obj).currencyCode },
          },
        },
      })),
    };
    this.subscriptions.push(subscription);
    const confirmationUrl = `${this.origin()}/admin/charges/${number}/RecurringApplicationCharge/confirm_recurring_application_charge?signature=fake${number}`;
    return { appSubscription: subscription, confirmationUrl, userErrors: [] };
  }

  private cancel(args: Obj) {
    const subscription = this.subscriptions.find((candidate) => candidate.id === args.id);
    if (!subscription || subscription.status !== "ACTIVE") {
      return {
        appSubscription: null,
        userErrors: [
          {
            field: ["id"],
            message: subscription ? "Cannot cancel a subscription that is not active" : "Couldn't find RecurringApplicationCharge",
          },
        ],
      };
    }
    subscription.status = "CANCELLED";
    subscription.prorated = args.prorate !== false;
    return { appSubscription: subscription, userErrors: [] };
  }
}

type Fragments = Record<string, FragmentDefinitionNode>;

function fragmentsOf(definitions: readonly { kind: string }[]): Fragments {
  const fragments: Fragments = {};
  for (const definition of definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments[(definition as FragmentDefinitionNode).name.value] = definition as FragmentDefinitionNode;
  return fragments;
}

/** The fields a selection asks for, following fragments whose type matches the object's __typename. */
function select(value: unknown, selectionSet: SelectionSetNode, fragments: Fragments): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((entry) => select(entry, selectionSet, fragments));
  const source = value as Obj;
  const out: Obj = {};
  const applies = (type: string | undefined) => !type || !source.__typename || source.__typename === type;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value)) Object.assign(out, select(source, selection.selectionSet, fragments));
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments[selection.name.value];
      if (!fragment) throw new Error(`Fragment ${selection.name.value} was used, but not defined`);
      if (applies(fragment.typeCondition.name.value)) Object.assign(out, select(source, fragment.selectionSet, fragments));
    } else {
      const name = selection.name.value;
      const key = selection.alias?.value ?? name;
      if (name === "__typename") out[key] = source.__typename;
      else if (!(name in source)) throw new Error(`Field '${name}' doesn't exist on type '${String(source.__typename ?? "object")}'`);
      else out[key] = selection.selectionSet ? select(source[name], selection.selectionSet, fragments) : (source[name] ?? null);
    }
  }
  return out;
}

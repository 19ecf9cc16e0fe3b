/** A long-lived service of the process: what it holds open (connections, workers, a database) it closes. */
export interface ProcessService {
  close(): Promise<void>;
}

/**
 * The order shutdown closes the services in: the job queue first (it stops taking jobs and lets
 * the ones in hand finish), the recommendation cache (it stops listening for changes), then what
 * the jobs and the cache used (the invalidation bus's Redis publisher and subscriber, the rate
 * limiters' Redis), and the database last.
 */
const SHUTDOWN_ORDER = ["job-queue", "recommendations", "invalidation-bus", "rate-limits", "database"] as const;

export type ServiceName = (typeof SHUTDOWN_ORDER)[number];

interface Registry {
  services: Map<ServiceName, ProcessService>;
  closing?: Promise<void>;
}

declare global {
  // One registry per process: the Remix build (loaded by Vite) and the processes (loaded by tsx)
  // are separate module graphs that share the same services.
  var affinityServices: Registry | undefined;
}

const registry = (): Registry => (globalThis.affinityServices ??= { services: new Map() });

/**
 * The process's one `name` service, opened by `open` on first use. Each name has one getter
 * (processDatabase, processJobQueue, recommendationService, invalidationBus, the rate limiters), which knows its type.
 */
export function processService<T extends ProcessService>(name: ServiceName, open: () => T): T {
  const { services } = registry();
  let service = services.get(name) as T | undefined;
  if (!service) {
    service = open();
    services.set(name, service);
  }
  return service;
}

/**
 * Closes every service opened so far, once, in SHUTDOWN_ORDER; a second call waits for the first
 * (or, once it is done, has nothing to close). A service opened while shutdown runs (a job in
 * hand publishing its change) is closed in its turn; one asked for after its turn is a new one,
 * which stays registered for the next shutdown.
 */
export function shutdownProcess(): Promise<void> {
  const current = globalThis.affinityServices;
  if (!current) return Promise.resolve();
  current.closing ??= closeInOrder(current).finally(() => {
    if (globalThis.affinityServices !== current) return;
    globalThis.affinityServices = current.services.size ? { services: current.services } : undefined;
  });
  return current.closing;
}

/** Closes the services one after another; one that fails to close does not keep the others open. */
async function closeInOrder({ services }: Registry): Promise<void> {
  const errors: unknown[] = [];
  for (const name of SHUTDOWN_ORDER) {
    const service = services.get(name);
    if (!service) continue;
    services.delete(name);
    await service.close().catch((error: unknown) => errors.push(error));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new AggregateError(errors, `${errors.length} services failed to close`);
}

import { PrismaPGlite } from 'pglite-prisma-adapter';

// pglite-prisma-adapter 0.6.1 reports database errors as { kind: 'postgres', code, message, ... };
// Prisma 6.19 reads `originalCode` and `originalMessage` (as @prisma/adapter-pg 6.19 fills them),
// so every PGlite error reached callers as "Message: undefined". This wrapper copies the two
// fields over; nothing else changes. Remove it when the adapter fills them itself.
type AnyFn = (...args: unknown[]) => unknown;

function withOriginalFields(err: unknown): never {
  const cause = (err as { cause?: Record<string, unknown> })?.cause;
  if (cause && cause.kind === 'postgres' && cause.originalMessage === undefined) {
    cause.originalCode = cause.code;
    cause.originalMessage = cause.message;
  }
  throw err;
}

function wrap<T extends object>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as AnyFn).bind(target);
      if (prop === 'queryRaw' || prop === 'executeRaw' || prop === 'executeScript') {
        return (...args: unknown[]) => Promise.resolve(fn(...args)).catch(withOriginalFields);
      }
      if (prop === 'startTransaction') {
        return (...args: unknown[]) =>
          Promise.resolve(fn(...args)).then((tx) => wrap(tx as object), withOriginalFields);
      }
      return fn;
    },
  });
}

export class PGliteAdapterFactory extends PrismaPGlite {
  override async connect(): ReturnType<PrismaPGlite['connect']> {
    return wrap(await super.connect());
  }
}

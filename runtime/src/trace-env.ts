/**
 * `_X_AMZN_TRACE_ID`, the invocation's trace header in the environment (the RIC sets it per
 * invocation), held in JavaScript rather than in the process's C environment.
 *
 * Assigning to the real `process.env` calls libc `setenv()`, and glibc keeps every value it was
 * ever given (it cannot know whether someone still points at an old one). A new trace id per
 * invocation therefore grew a warm instance by about 150 bytes per event, without bound, and each
 * assignment searched a tree that grew with it. Here `process.env` becomes a proxy of itself that
 * answers for this one variable from a slot: reads, `in`, `Object.keys`, spreading, JSON and child
 * processes (which copy `process.env` key by key) all see it as before. Only native code calling
 * `getenv()` does not, nor a worker thread started without an explicit `env`.
 */
const KEY = "_X_AMZN_TRACE_ID";

let value: string | undefined;

/** Replaces `process.env` by the proxy once (the variable's current value moves into the slot). */
export function installTraceEnv(): void {
  const real = process.env;
  if (Object.prototype.hasOwnProperty.call(real, KEY)) {
    value = real[KEY];
    delete real[KEY];
  }
  process.env = new Proxy(real, {
    get: (target, key): string | undefined => (key === KEY ? value : (Reflect.get(target, key) as string | undefined)),
    set: (target, key, v: unknown) => {
      if (key !== KEY) return Reflect.set(target, key, v);
      value = String(v);
      return true;
    },
    has: (target, key) => (key === KEY ? value !== undefined : Reflect.has(target, key)),
    deleteProperty: (target, key) => {
      if (key !== KEY) return Reflect.deleteProperty(target, key);
      value = undefined;
      return true;
    },
    ownKeys: (target) => {
      const keys = Reflect.ownKeys(target);
      if (value !== undefined) keys.push(KEY);
      return keys;
    },
    getOwnPropertyDescriptor: (target, key) => {
      if (key !== KEY) return Reflect.getOwnPropertyDescriptor(target, key);
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    defineProperty: (target, key, descriptor) => {
      if (key !== KEY) return Reflect.defineProperty(target, key, descriptor);
      if (!("value" in descriptor)) return false;
      value = String(descriptor.value);
      return true;
    },
  });
}

/** Sets (or, for undefined, removes) the variable for the invocation about to run. */
export function setTraceId(traceId: string | undefined): void {
  value = traceId || undefined;
}

/**
 * Resolves once `condition` holds, checking it every few milliseconds; rejects after `timeoutMs`.
 * For state that changes on its own in real time (a process reaped, a spare started), where no
 * event can be awaited; resolves at once when the condition already holds.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** waitUntil for a condition that must be read asynchronously (a store, an API). */
export async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Defaults of burst smoothing's "handing events ahead" (ARCHITECTURE.md): an event may wait in a
 * busy instance's channel when that instance's last event took at most AHEAD_MAX_MS, and at most
 * AHEAD_DEPTH events wait per instance. The instance pool applies them; the server's settings
 * document and bound them.
 */
export const AHEAD_MAX_MS = 2;
/** How many events may wait ahead in one instance's channel by default. */
export const AHEAD_DEPTH = 3;

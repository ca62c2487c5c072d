/**
 * The outbound policy at configuration time: an endpoint or integration URI a caller sets is
 * checked with the rules for who the caller is (a function's instance session gets the strict ones).
 */
import type { OutboundCaller, OutboundPolicy } from "../shared/outbound-policy.js";
import type { Caller } from "./types.js";

/** Instance sessions are the only role sessions the node mints (a function's execution role). */
export function outboundCallerOf(caller: Caller): OutboundCaller {
  return caller.principal.kind === "assumed-role" ? "session" : "user";
}

/**
 * Why the node must not send to `url` for this caller, or undefined: also for a URL it cannot parse,
 * one with stage variables, or a name that does not resolve yet (all are checked again at each send).
 */
export async function outboundRefusal(
  policy: OutboundPolicy | undefined,
  url: string,
  caller: Caller,
): Promise<string | undefined> {
  if (!policy || url.includes("${")) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // the operation's own validation answers a malformed URL
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  const target = await policy.check(parsed, outboundCallerOf(caller));
  return "refused" in target && !target.unresolved ? target.refused : undefined;
}

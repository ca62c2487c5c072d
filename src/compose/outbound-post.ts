/**
 * SNS's HTTP/HTTPS deliveries: the endpoint is checked against the outbound policy again at each
 * POST (DNS may have changed since Subscribe) and the POST goes to the address that was checked.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { pinnedLookup, type OutboundPolicy } from "../shared/outbound-policy.js";

/** One POST. */
export interface CheckedPost {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** POSTs and answers the status (0: no answer), or why the policy refuses the endpoint. */
export async function postChecked(policy: OutboundPolicy, p: CheckedPost): Promise<number | { refused: string }> {
  let url: URL;
  try {
    url = new URL(p.url);
  } catch {
    return { refused: "not a URL" };
  }
  const target = await policy.check(url, "user");
  if ("refused" in target) return target;
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      { method: "POST", headers: p.headers, lookup: pinnedLookup(target), signal: AbortSignal.timeout(p.timeoutMs) },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(p.body);
  });
}

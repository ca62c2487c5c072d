/**
 * Calls an HTTP backend for `HTTP` and `HTTP_PROXY` integrations over kept-alive connections (one
 * agent per scheme, as API Gateway pools its connections), under the integration timeout counted
 * on the injected clock; a request still running at the deadline is aborted.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Clock } from "../shared/clock.js";
import { Deadline } from "../shared/deadline.js";
import { pinnedLookup, type CheckedTarget, type OutboundPolicy } from "../shared/outbound-policy.js";

const HTTP_AGENT = new HttpAgent({ keepAlive: true, maxSockets: 256 });
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

/** The backend's answer. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Node's flat [name, value, …] list, in the backend's case. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** What went wrong instead: the deadline passed, or the backend could not be reached or answered badly. */
export type UpstreamFailure = "timeout" | "unreachable";

/** One backend request. */
export interface UpstreamRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Checked before sending; the request goes to the address it checked. Absent: no check. */
  readonly outbound?: OutboundPolicy | undefined;
}

/**
 * Sends the request and reads the whole answer. Never rejects. A target the outbound policy refuses
 * (checked again here: DNS may have changed since the integration was configured) is unreachable.
 */
export async function callUpstream(r: UpstreamRequest): Promise<UpstreamAnswer | UpstreamFailure> {
  if (!r.outbound) return send(r, undefined);
  const target = await r.outbound.check(r.url, "user");
  return "refused" in target ? "unreachable" : send(r, target);
}

function send(r: UpstreamRequest, target: CheckedTarget | undefined): Promise<UpstreamAnswer | UpstreamFailure> {
  return new Promise((resolve) => {
    const https = r.url.protocol === "https:";
    let settled = false;
    const done = (v: UpstreamAnswer | UpstreamFailure) => {
      if (settled) return;
      settled = true;
      deadline.cancel();
      resolve(v);
    };
    const headers = { ...r.headers, "content-length": r.body.length };
    const req = (https ? httpsRequest : httpRequest)(
      r.url,
      {
        method: r.method,
        headers,
        agent: https ? HTTPS_AGENT : HTTP_AGENT,
        ...(target && { lookup: pinnedLookup(target) }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", () => done("unreachable"));
        res.on("end", () =>
          done({
            status: res.statusCode ?? 502,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
          }),
        );
      },
    );
    const deadline = Deadline.start(r.clock, r.timeoutMs, () => {
      done("timeout");
      req.destroy();
    });
    req.on("error", () => done("unreachable"));
    req.end(r.body);
  });
}

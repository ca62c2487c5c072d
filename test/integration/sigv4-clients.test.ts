/**
 * The control API accepts requests signed by the real AWS clients (SDK v3, aws-sdk v2, AWS CLI v2)
 * and refuses unsigned, badly signed, tampered, stale and replayed requests with AWS's 403s,
 * without running the operation.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type AwsSdkV2 from "aws-sdk";
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createApiServer, type ApiServer } from "../../src/api/http-server.js";
import type { ApiRequest, Operation } from "../../src/api/types.js";
import { ManualClock } from "../../src/shared/clock.js";
import { PlatformError } from "../../src/shared/errors.js";
import { randomIds } from "../../src/shared/ids.js";
import { adminKey, lambdaOp } from "../helpers/api-server.js";
import { lambdaSigner } from "../helpers/sigv4-signer.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWSv2 = require("aws-sdk") as typeof AwsSdkV2;

const AWS_CLI = "/usr/bin/aws"; // Debian's awscli 2.x; a pyenv `aws` v1 shim may come first on PATH
const AKID = "AKIAHANEULTEST000001";
const SECRET = "testSecret/Key+0123456789abcdefghijklmn";
const REGION = "us-east-1";
const ARN = "arn:aws:lambda:us-east-1:000000000000:function:my-fn:prod";
const MINUTE = 60_000;

interface Seen {
  readonly op: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: string;
  readonly body: string;
}

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** An assert.rejects validator for an SDK v3 service error. */
function sdkError(name: string, status: number, message: RegExp): (e: unknown) => boolean {
  return (e) => {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name);
    assert.equal(err.$metadata?.httpStatusCode, status);
    assert.match(err.message, message);
    return true;
  };
}

describe("SigV4 with real AWS clients", () => {
  const clock = new ManualClock(Date.now());
  const seen: Seen[] = [];
  let api: ApiServer;
  let url: string;
  let port: number;
  let homeDir: TempDir | undefined;
  let home: string;

  const record = (op: string, req: ApiRequest): void => {
    seen.push({ op, params: req.params, query: req.query.toString(), body: req.body.toString("utf8") });
  };
  const operations: Operation[] = [
    lambdaOp({
      name: "GetFunctionConfiguration",
      method: "GET",
      path: "/2015-03-31/functions/{FunctionName}/configuration",
      handle(req) {
        record("GetFunctionConfiguration", req);
        return Promise.resolve({
          status: 200,
          body: { FunctionName: req.params["FunctionName"], Version: "$LATEST", Timeout: 3 },
        });
      },
    }),
    lambdaOp({
      name: "Invoke",
      method: "POST",
      path: "/2015-03-31/functions/{FunctionName}/invocations",
      maxBodyBytes: 6 * 1024 * 1024,
      handle(req) {
        if (req.params["FunctionName"] === "throttle-me") {
          return Promise.reject(
            new PlatformError("ERR_TOO_MANY_REQUESTS", "Rate Exceeded.", {
              Reason: "ConcurrentInvocationLimitExceeded",
            }),
          );
        }
        record("Invoke", req);
        return Promise.resolve({ status: 200, headers: { "X-Amz-Executed-Version": "$LATEST" }, body: req.body });
      },
    }),
    lambdaOp({
      name: "Throttled",
      method: "GET",
      path: "/test/throttled",
      handle() {
        return Promise.reject(
          new PlatformError("ERR_TOO_MANY_REQUESTS", "Rate Exceeded.", {
            Reason: "ConcurrentInvocationLimitExceeded",
          }),
        );
      },
    }),
    lambdaOp({
      name: "Broken",
      method: "GET",
      path: "/test/broken",
      handle() {
        throw new Error("secret internals at /srv/db.sqlite");
      },
    }),
  ];

  before(async () => {
    if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} is missing: apt-get install -y awscli (AWS CLI v2)`);
    homeDir = tempDir("sigv4");
    home = homeDir.path;
    api = createApiServer({
      operations,
      credentials: adminKey(AKID, SECRET),
      regions: ["us-east-1"],
      ids: randomIds,
      clock,
      logError: () => {},
    });
    url = await api.listen(0, "127.0.0.1");
    port = Number(new URL(url).port);
  });

  after(async () => {
    await api.close();
    await homeDir?.remove();
  });

  const v3 = (accessKeyId = AKID, secretAccessKey = SECRET): LambdaClient =>
    new LambdaClient({ region: REGION, endpoint: url, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

  /** Sends a request exactly as given (no client logic in between). */
  function send(o: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: Buffer | string;
  }): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: o.method, path: o.path, headers: o.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      });
      req.on("error", reject);
      req.end(o.body);
    });
  }

  /** Signs with the real @smithy/signature-v4 (what SDK v3 uses) and returns what to send. */
  async function signed(o: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: string;
    secret?: string;
    signingDate?: Date;
  }): Promise<{ method: string; path: string; headers: Record<string, string>; body?: string }> {
    const signer = lambdaSigner(AKID, o.secret ?? SECRET, REGION);
    const s = await signer.sign(
      {
        method: o.method,
        protocol: "http:",
        hostname: "127.0.0.1",
        port,
        path: o.path,
        query: o.query ?? {},
        headers: { host: `127.0.0.1:${port}`, "content-type": "application/json" },
        body: o.body,
      },
      { signingDate: o.signingDate ?? new Date(clock.now()) },
    );
    const qs = new URLSearchParams(o.query ?? {}).toString();
    return { method: o.method, path: qs ? `${o.path}?${qs}` : o.path, headers: s.headers, body: o.body };
  }

  function assertAwsError(res: Raw, status: number, type: string, message?: RegExp): void {
    assert.equal(res.status, status, res.body);
    assert.equal(res.headers["x-amzn-errortype"], type);
    assert.equal(res.headers["content-type"], "application/json");
    assert.match(String(res.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
    const body = JSON.parse(res.body) as { Type: string; message: string };
    assert.equal(body.Type, status >= 500 ? "Service" : "User");
    if (message) assert.match(body.message, message);
  }

  describe("accepted", () => {
    it("SDK v3 GetFunctionConfiguration with a full ARN and qualifier (double-encoded %3A)", async () => {
      const out = await v3().send(new GetFunctionConfigurationCommand({ FunctionName: ARN, Qualifier: "$LATEST" }));
      assert.equal(out.FunctionName, ARN);
      assert.match(out.$metadata.requestId ?? "", /^[0-9a-f-]{36}$/);
      assert.deepEqual(seen.at(-1), {
        op: "GetFunctionConfiguration",
        params: { FunctionName: ARN },
        query: "Qualifier=%24LATEST",
        body: "",
      });
    });

    it("SDK v3 Invoke with a JSON body", async () => {
      const payload = JSON.stringify({ hello: "wörld", n: [1, 2, 3] });
      const out = await v3().send(new InvokeCommand({ FunctionName: "my-fn", Payload: Buffer.from(payload) }));
      assert.equal(out.StatusCode, 200);
      assert.equal(out.ExecutedVersion, "$LATEST");
      assert.equal(Buffer.from(out.Payload ?? []).toString("utf8"), payload);
      assert.equal(seen.at(-1)?.body, payload);
    });

    it("aws-sdk v2 getFunctionConfiguration and invoke", async () => {
      const lambda = new AWSv2.Lambda({
        endpoint: url,
        region: REGION,
        credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
        maxRetries: 0,
      });
      const conf = await lambda.getFunctionConfiguration({ FunctionName: ARN }).promise();
      assert.equal(conf.FunctionName, ARN);
      assert.deepEqual(seen.at(-1)?.params, { FunctionName: ARN });
      const inv = await lambda.invoke({ FunctionName: ARN, Payload: '{"v2":true}' }).promise();
      assert.equal(inv.StatusCode, 200);
      assert.equal(Buffer.from(inv.Payload as Uint8Array).toString("utf8"), '{"v2":true}');
    });

    it("AWS CLI v2 get-function-configuration and invoke", async () => {
      const cli = promisify(execFile);
      const env = {
        PATH: "/usr/bin:/bin",
        HOME: home,
        AWS_ACCESS_KEY_ID: AKID,
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_DEFAULT_REGION: REGION,
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_PAGER: "",
      };
      const version = await cli(AWS_CLI, ["--version"], { env });
      assert.match(version.stdout, /^aws-cli\/2\./);
      const conf = await cli(
        AWS_CLI,
        ["lambda", "get-function-configuration", "--endpoint-url", url, "--function-name", ARN, "--output", "json"],
        { env },
      );
      assert.equal((JSON.parse(conf.stdout) as { FunctionName: string }).FunctionName, ARN);
      assert.deepEqual(seen.at(-1)?.params, { FunctionName: ARN });

      const outFile = join(home, "out.json");
      const invokeArgs = ["lambda", "invoke", "--endpoint-url", url, "--function-name", ARN];
      const extra = ["--cli-binary-format", "raw-in-base64-out", "--payload", '{"cli":2}', outFile];
      const inv = await cli(AWS_CLI, [...invokeArgs, ...extra], { env });
      assert.equal((JSON.parse(inv.stdout) as { StatusCode: number }).StatusCode, 200);
      assert.equal(await readFile(outFile, "utf8"), '{"cli":2}');
    });

    it("a request replayed within 15 minutes", async () => {
      const req = await signed({ method: "GET", path: "/2015-03-31/functions/replay-ok/configuration" });
      assert.equal((await send(req)).status, 200);
      clock.advance(14 * MINUTE);
      assert.equal((await send(req)).status, 200);
      clock.advance(-14 * MINUTE);
    });
  });

  describe("refused with AWS's 403, operation not run", () => {
    async function refused(run: () => Promise<Raw>, type: string, message?: RegExp): Promise<void> {
      const before = seen.length;
      assertAwsError(await run(), 403, type, message);
      assert.equal(seen.length, before, "the operation must not run");
    }

    it("no signature", async () => {
      await refused(
        () => send({ method: "GET", path: "/2015-03-31/functions/fn/configuration", headers: {} }),
        "MissingAuthenticationTokenException",
        /^Missing Authentication Token$/,
      );
    });

    it("wrong secret (SDK v3 sees InvalidSignatureException)", async () => {
      const before = seen.length;
      await assert.rejects(
        v3(AKID, "wrong").send(new GetFunctionConfigurationCommand({ FunctionName: "fn" })),
        sdkError("InvalidSignatureException", 403, /signature we calculated does not match/),
      );
      assert.equal(seen.length, before);
      await refused(
        async () =>
          send(await signed({ method: "GET", path: "/2015-03-31/functions/fn/configuration", secret: "wrong" })),
        "InvalidSignatureException",
      );
    });

    it("unknown access key (SDK v3 sees UnrecognizedClientException)", async () => {
      const before = seen.length;
      await assert.rejects(
        v3("AKIAUNKNOWN000000000", SECRET).send(new InvokeCommand({ FunctionName: "fn" })),
        sdkError("UnrecognizedClientException", 403, /^The security token included in the request is invalid\.$/),
      );
      assert.equal(seen.length, before);
    });

    it("tampered body", async () => {
      const req = await signed({ method: "POST", path: "/2015-03-31/functions/fn/invocations", body: '{"amount":1}' });
      await refused(() => send({ ...req, body: '{"amount":9}' }), "InvalidSignatureException", /does not match/);
    });

    it("x-amz-date 16 minutes old", async () => {
      const old = new Date(clock.now() - 16 * MINUTE);
      const req = await signed({ method: "GET", path: "/2015-03-31/functions/fn/configuration", signingDate: old });
      await refused(
        () => send(req),
        "InvalidSignatureException",
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      );
    });

    it("a captured valid request replayed after the clock moved 16 minutes", async () => {
      const req = await signed({ method: "POST", path: "/2015-03-31/functions/fn/invocations", body: '{"pay":1}' });
      const before = seen.length;
      assert.equal((await send(req)).status, 200);
      assert.equal(seen.length, before + 1);
      clock.advance(16 * MINUTE);
      try {
        await refused(() => send(req), "InvalidSignatureException", /^Signature expired/);
      } finally {
        clock.advance(-16 * MINUTE);
      }
    });
  });

  describe("AWS error shapes", () => {
    it("unknown path, signed → 404 UnknownOperationException", async () => {
      assertAwsError(
        await send(await signed({ method: "GET", path: "/2015-03-31/nothing-here" })),
        404,
        "UnknownOperationException",
      );
    });

    it("throttle error carries its Reason and the SDK reads it", async () => {
      const res = await send(await signed({ method: "GET", path: "/test/throttled" }));
      assertAwsError(res, 429, "TooManyRequestsException", /^Rate Exceeded\.$/);
      assert.equal((JSON.parse(res.body) as { Reason: string }).Reason, "ConcurrentInvocationLimitExceeded");
      await assert.rejects(v3().send(new InvokeCommand({ FunctionName: "throttle-me" })), (e: unknown) => {
        sdkError("TooManyRequestsException", 429, /^Rate Exceeded\.$/)(e);
        assert.equal((e as { Reason?: string }).Reason, "ConcurrentInvocationLimitExceeded");
        return true;
      });
    });

    it("an unexpected error is a 500 ServiceException without internals", async () => {
      const res = await send(await signed({ method: "GET", path: "/test/broken" }));
      assertAwsError(res, 500, "ServiceException");
      assert.doesNotMatch(res.body, /secret|sqlite|at /);
    });

    it("an Invoke body over 6 MB → 413 with AWS's message, before the operation runs", async () => {
      const before = seen.length;
      const body = "x".repeat(6 * 1024 * 1024 + 1);
      const res = await send(await signed({ method: "POST", path: "/2015-03-31/functions/fn/invocations", body }));
      assertAwsError(res, 413, "RequestEntityTooLargeException");
      assert.equal(
        (JSON.parse(res.body) as { message: string }).message,
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
      );
      assert.equal(seen.length, before);
      // Exactly at the limit is fine.
      const ok = await send(
        await signed({ method: "POST", path: "/2015-03-31/functions/fn/invocations", body: body.slice(1) }),
      );
      assert.equal(ok.status, 200);
    });

    it("the SDK v3 sees an oversized Invoke as RequestEntityTooLargeException", async () => {
      await assert.rejects(
        v3().send(new InvokeCommand({ FunctionName: "fn", Payload: Buffer.alloc(6 * 1024 * 1024 + 10, 97) })),
        sdkError("RequestEntityTooLargeException", 413, /smaller than 6291456 bytes for the InvokeFunction operation/),
      );
    });
  });
});

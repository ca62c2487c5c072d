import type { InvocationRecord, InvokeOutcome, InvokeResult } from "../domain/invocation.js";
import type { InvokeOptions, InvokeService, InvokeTarget } from "./invoke-service.js";

/** One call a FakeInvokeService received. */
export interface FakeInvokeCall {
  readonly target: InvokeTarget;
  /** The payload as text. */
  readonly payload: string;
  readonly options: InvokeOptions;
  /** Answers the call with `outcome` (default: ok, `null`) or rejects it with an error; only the first answer counts. */
  finish(outcome?: InvokeOutcome | Error): void;
}

const OK_NULL: InvokeOutcome = { kind: "ok", payload: Buffer.from("null") };

/**
 * The InvokeService fake, for tests of the parts that call it (the Lambda API, the async queue):
 * it records every call and answers it at once with `answer`, or, with `answer` undefined, when
 * the test calls the call's `finish()`. Results carry a complete record, as the Invoker's do: the
 * executed version is the qualifier when it is a version number, else `$LATEST`.
 * @example const invoker = new FakeInvokeService({ answer: undefined }); … invoker.calls[0]?.finish();
 */
export class FakeInvokeService implements InvokeService {
  readonly calls: FakeInvokeCall[] = [];
  /** How every call is answered at once (an error rejects it); undefined: by `finish()`. */
  answer: InvokeOutcome | Error | undefined;
  /** The function's own log lines of each record. */
  lines: string[];

  constructor(o: { answer?: InvokeOutcome | Error | undefined; lines?: string[] } = {}) {
    this.answer = "answer" in o ? o.answer : OK_NULL;
    this.lines = o.lines ?? [];
  }

  invoke(target: InvokeTarget, payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const finish = (outcome: InvokeOutcome | Error = OK_NULL): void => {
        if (answered) return;
        answered = true;
        if (outcome instanceof Error) reject(outcome);
        else resolve({ outcome, record: this.#record(target, options, outcome) });
      };
      this.calls.push({ target, payload: payload.toString(), options, finish });
      if (this.answer) finish(this.answer);
    });
  }

  #record(target: InvokeTarget, options: InvokeOptions, outcome: InvokeOutcome): InvocationRecord {
    const q = target.qualifier;
    return {
      requestId: options.requestId ?? "",
      functionName: target.functionName,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${target.functionName}`,
      executedVersion: q !== undefined && /^\d+$/.test(q) ? q : "$LATEST",
      outcome: outcome.kind,
      errorType: "errorType" in outcome ? outcome.errorType : undefined,
      startedAt: 0,
      durationMs: 0,
      billedDurationMs: 0,
      memorySizeMb: 128,
      maxMemoryUsedMb: 0,
      timeoutSec: 3,
      initLines: [],
      lines: this.lines,
    };
  }
}

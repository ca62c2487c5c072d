/**
 * StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask: a task moves a
 * dead-letter queue's messages back to the queue each was redriven from (or to DestinationArn),
 * standard or FIFO (a FIFO message keeps its MessageGroupId and MessageDeduplicationId).
 * This answers the API and records the task; MoveTaskRunner moves the messages. The task handle
 * is SQS's: base64 of `{"taskId","sourceArn"}`.
 */
import type { MoveTaskRecord } from "../ports/move-task-store.js";
import type { QueueStore } from "../ports/queue-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { redrivePolicyOf } from "./queue-attributes.js";
import { nameFromArn, queueArn, type QueueScope } from "./queue-refs.js";
import type { Json } from "./types.js";

/** SQS's limit on MaxNumberOfMessagesPerSecond. */
export const MAX_MOVE_RATE = 500;

export interface MoveTasksOptions {
  readonly store: QueueStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly scope: QueueScope;
}

export interface StartMoveInput {
  readonly SourceArn?: string | undefined;
  readonly DestinationArn?: string | undefined;
  readonly MaxNumberOfMessagesPerSecond?: number | undefined;
}

const invalid = (message: string) => new PlatformError("ERR_SQS_INVALID_PARAMETER_VALUE", message);
const notFound = (message: string) => new PlatformError("ERR_SQS_RESOURCE_NOT_FOUND", message);
const missingArn = (param: string) =>
  notFound(`The resource that you specified for the ${param} parameter doesn't exist.`);

/** The message move task operations. */
export class MoveTasks {
  readonly #o: MoveTasksOptions;

  constructor(o: MoveTasksOptions) {
    this.#o = o;
  }

  async start(input: StartMoveInput): Promise<Json> {
    const source = await this.#queueOf(input.SourceArn, "SourceArn");
    const destination =
      input.DestinationArn === undefined ? undefined : await this.#queueOf(input.DestinationArn, "DestinationArn");
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && !(Number.isInteger(rate) && rate >= 1 && rate <= MAX_MOVE_RATE)) {
      throw invalid(
        `Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must enter a number that's between 1 and ${MAX_MOVE_RATE}.`,
      );
    }
    const sourceArn = queueArn(this.#o.scope, source);
    const queues = await this.#o.store.listQueues();
    if (!queues.some((q) => redrivePolicyOf(q)?.deadLetterTargetArn === sourceArn)) {
      throw invalid("Source queue must be configured as a Dead Letter Queue.");
    }
    // As SQS: a FIFO dead-letter queue's messages go to a FIFO queue, a standard one's to a standard one.
    if (destination !== undefined && source.endsWith(".fifo") !== destination.endsWith(".fifo")) {
      throw invalid("The source queue and the destination queue must be of the same queue type.");
    }
    const now = this.#o.clock.now();
    const counts = await this.#o.store.countMessages(source, now);
    const task: MoveTaskRecord = {
      taskId: this.#o.ids.requestId(),
      sourceQueue: source,
      destinationQueue: destination,
      maxPerSecond: rate,
      status: "RUNNING",
      startedAt: now,
      moved: 0,
      toMove: counts.visible + counts.inFlight + counts.delayed,
    };
    if (!(await this.#o.store.startMoveTask(task))) {
      throw invalid(
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
      );
    }
    return { TaskHandle: handleOf(task.taskId, sourceArn) };
  }

  async list(input: { SourceArn?: string | undefined; MaxResults?: number | undefined }): Promise<Json> {
    const source = await this.#queueOf(input.SourceArn, "SourceArn");
    const max = input.MaxResults ?? 1;
    if (!(Number.isInteger(max) && max >= 1 && max <= 10)) {
      throw invalid(
        `Value ${max} for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 10.`,
      );
    }
    const tasks = await this.#o.store.listMoveTasks(source, max);
    return { Results: tasks.map((t) => this.#entry(t)) };
  }

  async cancel(input: { TaskHandle?: string | undefined }): Promise<Json> {
    const { taskId, sourceArn } = parseHandle(input.TaskHandle);
    const source = nameFromArn(this.#o.scope, sourceArn);
    if (source === undefined || !(await this.#o.store.getQueue(source))) throw missingArn("SourceArn");
    const task = await this.#o.store.setMoveTaskStatus(taskId, { from: ["RUNNING"], to: "CANCELLING" });
    if (!task || task.sourceQueue !== source) throw notFound("Task does not exist.");
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  async #queueOf(arn: string | undefined, param: string): Promise<string> {
    if (arn === undefined || arn === "") {
      throw new PlatformError("ERR_SQS_MISSING_PARAMETER", `The request must contain the parameter ${param}.`);
    }
    if (!/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/.test(arn)) {
      throw invalid(
        `You must use this format to specify the ${param}: arn:<partition>:<service>:<region>:<account-id>:<resource-id>`,
      );
    }
    const name = nameFromArn(this.#o.scope, arn);
    if (name === undefined || !(await this.#o.store.getQueue(name))) throw missingArn(param);
    return name;
  }

  #entry(t: MoveTaskRecord): Json {
    const scope = this.#o.scope;
    const sourceArn = queueArn(scope, t.sourceQueue);
    return {
      ...(t.status === "RUNNING" && { TaskHandle: handleOf(t.taskId, sourceArn) }),
      Status: t.status,
      SourceArn: sourceArn,
      ...(t.destinationQueue !== undefined && { DestinationArn: queueArn(scope, t.destinationQueue) }),
      ...(t.maxPerSecond !== undefined && { MaxNumberOfMessagesPerSecond: t.maxPerSecond }),
      ApproximateNumberOfMessagesMoved: t.moved,
      ApproximateNumberOfMessagesToMove: t.toMove,
      ...(t.failureReason !== undefined && { FailureReason: t.failureReason }),
      StartedTimestamp: t.startedAt,
    };
  }
}

function handleOf(taskId: string, sourceArn: string): string {
  return Buffer.from(JSON.stringify({ taskId, sourceArn })).toString("base64");
}

function parseHandle(handle: string | undefined): { taskId: string; sourceArn: string } {
  if (handle === undefined || handle === "") {
    throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter TaskHandle.");
  }
  try {
    const parsed = JSON.parse(Buffer.from(handle, "base64").toString("utf8")) as Record<string, unknown>;
    if (typeof parsed["taskId"] === "string" && typeof parsed["sourceArn"] === "string") {
      return { taskId: parsed["taskId"], sourceArn: parsed["sourceArn"] };
    }
  } catch {
    // Not a handle SQS gave out: refused below.
  }
  throw invalid("Value for parameter TaskHandle is invalid.");
}

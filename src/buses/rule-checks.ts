/** The checks PutRule and PutTargets make that need more than the request: a rule's pattern and schedule, a target's scope. */
import { compileEventPattern, InvalidEventPattern } from "../domain/event-pattern/index.js";
import { InvalidScheduleExpression, parseScheduleExpression } from "../domain/schedule/index.js";
import type { RuleTargetRecord } from "../ports/bus-store.js";
import { PlatformError } from "../shared/errors.js";
import { busOfArn, inScope, invalid, streamOfArn, type ArnScope } from "./names.js";

/** What checkRuleDefinition looks at of a PutRule. */
export interface RuleDefinition {
  readonly busName: string;
  readonly eventPattern?: string | undefined;
  readonly scheduleExpression?: string | undefined;
}

/**
 * A bus or stream target must be of this node's account and region (the only ones haneul has); a
 * bus in another one would need a RoleArn first, as on AWS. A rule may not pass events on to its
 * own bus (they would match it again, without end).
 */
export function checkTargetScope(scope: ArnScope, busName: string, t: RuleTargetRecord): void {
  const named = busOfArn(t.arn) ?? streamOfArn(t.arn);
  if (!named) return;
  if (!inScope(scope, named)) {
    if (t.roleArn === undefined) throw invalid(`RoleArn is required for target ${t.arn}.`);
    throw invalid(
      `Parameter ${t.arn} is not valid. Reason: haneul has one account and region (${scope.accountId}, ${scope.region}).`,
    );
  }
  if (busOfArn(t.arn) && named.name === busName)
    throw invalid(`Parameter ${t.arn} is not valid. Reason: a rule cannot target the event bus it is on.`);
}

/** The checks PutRule makes of a pattern and a schedule expression. */
export function checkRuleDefinition(input: RuleDefinition): void {
  if (input.eventPattern === undefined && input.scheduleExpression === undefined) {
    throw invalid("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (input.scheduleExpression !== undefined && input.busName !== "default") {
    throw invalid("ScheduleExpression is supported only on the default event bus.");
  }
  if (input.eventPattern !== undefined) checkPattern(input.eventPattern);
  if (input.scheduleExpression !== undefined) {
    try {
      parseScheduleExpression(input.scheduleExpression);
    } catch (e) {
      if (e instanceof InvalidScheduleExpression) throw invalid(e.message);
      throw e;
    }
  }
}

/** Compiles a pattern, or throws AWS's InvalidEventPatternException. */
export function checkPattern(text: string): ReturnType<typeof compileEventPattern> {
  try {
    return compileEventPattern(text);
  } catch (e) {
    if (e instanceof InvalidEventPattern) throw new PlatformError("ERR_EVENTS_INVALID_PATTERN", e.message);
    throw e;
  }
}

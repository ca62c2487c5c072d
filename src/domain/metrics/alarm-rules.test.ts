import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateRange, type AlarmRule, type TreatMissingData } from "./alarm-rules.js";

const X = 5; // breaching (> 1)
const O = 0; // not breaching
const _ = undefined; // missing

const rule = (m: number, treat: TreatMissingData): AlarmRule => ({
  threshold: 1,
  comparisonOperator: "GreaterThanThreshold",
  datapointsToAlarm: m,
  treatMissingData: treat,
});

describe("alarm evaluation (M of N, missing data)", () => {
  it("3 of 3: every point must breach", () => {
    assert.equal(evaluateRange([X, X, X], rule(3, "missing"), "OK").state, "ALARM");
    assert.equal(evaluateRange([X, O, X], rule(3, "missing"), "OK").state, "OK");
  });

  it("2 of 3: any two breaching points alarm, in any position", () => {
    assert.equal(evaluateRange([X, O, X], rule(2, "missing"), "OK").state, "ALARM");
    assert.equal(evaluateRange([O, O, X], rule(2, "missing"), "ALARM").state, "OK");
  });

  it("all missing: missing → INSUFFICIENT_DATA, ignore keeps the state, breaching → ALARM, notBreaching → OK", () => {
    const none = [_, _, _];
    assert.equal(evaluateRange(none, rule(3, "missing"), "OK").state, "INSUFFICIENT_DATA");
    assert.equal(evaluateRange(none, rule(3, "ignore"), "ALARM").state, "ALARM");
    assert.equal(evaluateRange(none, rule(3, "ignore"), "OK").state, "OK");
    assert.equal(evaluateRange(none, rule(3, "breaching"), "OK").state, "ALARM");
    assert.equal(evaluateRange(none, rule(3, "notBreaching"), "ALARM").state, "OK");
  });

  it("some missing: breaching fills the gaps with bad points, notBreaching with good ones", () => {
    const gaps = [X, _, _];
    assert.equal(evaluateRange(gaps, rule(3, "breaching"), "OK").state, "ALARM");
    assert.equal(evaluateRange(gaps, rule(3, "notBreaching"), "OK").state, "OK");
    assert.equal(evaluateRange([X, _, X], rule(2, "notBreaching"), "OK").state, "ALARM");
  });

  it("some missing with missing/ignore: only the present points count", () => {
    assert.equal(evaluateRange([X, _, X], rule(2, "missing"), "OK").state, "ALARM");
    assert.equal(evaluateRange([_, _, X], rule(3, "missing"), "OK").state, "ALARM", "fewer than M present: all breach");
    assert.equal(evaluateRange([_, O, X], rule(2, "missing"), "OK").state, "OK");
    assert.equal(evaluateRange([_, O, _], rule(1, "ignore"), "ALARM").state, "OK");
  });

  it("each comparison operator", () => {
    const r = (op: AlarmRule["comparisonOperator"]): AlarmRule => ({ ...rule(1, "missing"), comparisonOperator: op });
    assert.equal(evaluateRange([1], r("GreaterThanOrEqualToThreshold"), "OK").state, "ALARM");
    assert.equal(evaluateRange([1], r("GreaterThanThreshold"), "OK").state, "OK");
    assert.equal(evaluateRange([0], r("LessThanThreshold"), "OK").state, "ALARM");
    assert.equal(evaluateRange([1], r("LessThanOrEqualToThreshold"), "OK").state, "ALARM");
  });
});

describe("composite alarm rules", () => {
  it("parses ALARM()/OK() with AND, OR, NOT and parentheses, and evaluates them", async () => {
    const { parseCompositeRule, ruleAlarms, ruleHolds } = await import("./composite-rule.js");
    const rule = parseCompositeRule('(ALARM("errors") OR ALARM(latency)) AND NOT OK("deploy gate")');
    assert.deepEqual(ruleAlarms(rule), ["errors", "latency", "deploy gate"]);
    const states: Record<string, "OK" | "ALARM"> = { errors: "OK", latency: "ALARM", "deploy gate": "ALARM" };
    assert.equal(
      ruleHolds(rule, (a) => states[a]),
      true,
    );
    states["deploy gate"] = "OK";
    assert.equal(
      ruleHolds(rule, (a) => states[a]),
      false,
    );
    assert.throws(() => parseCompositeRule("ALARM(a) AND"), /Unexpected end/);
    assert.throws(() => parseCompositeRule("ALARM()"), /names no alarm/);
  });
});

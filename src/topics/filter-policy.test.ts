import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlatformError } from "../shared/errors.js";
import { compileFilterPolicy } from "./filter-policy.js";

const attrs = (a: Record<string, [string, string]>) =>
  Object.fromEntries(Object.entries(a).map(([k, [DataType, StringValue]]) => [k, { DataType, StringValue }]));

describe("SNS filter policies", () => {
  it("matches message attributes with SNS's operators", () => {
    const f = compileFilterPolicy(
      JSON.stringify({
        store: ["example_corp"],
        event: [{ "anything-but": ["order_cancelled"] }],
        price: [{ numeric: [">=", 100, "<", 200] }],
        customer: [{ prefix: "vip-" }, { suffix: "@corp" }],
        tags: ["red"],
      }),
      "MessageAttributes",
    );
    const base = {
      store: ["String", "example_corp"],
      event: ["String", "order_placed"],
      price: ["Number", "150"],
      customer: ["String", "vip-ann"],
      tags: ["String.Array", '["blue","red"]'],
    } as Record<string, [string, string]>;
    assert.equal(f({ message: "", attributes: attrs(base) }), true);
    assert.equal(f({ message: "", attributes: attrs({ ...base, price: ["Number", "99"] }) }), false);
    assert.equal(f({ message: "", attributes: attrs({ ...base, event: ["String", "order_cancelled"] }) }), false);
    assert.equal(f({ message: "", attributes: attrs({ ...base, customer: ["String", "bob@corp"] }) }), true);
    assert.equal(f({ message: "", attributes: attrs({ ...base, tags: ["String.Array", '["blue"]'] }) }), false);
    assert.equal(f({ message: "", attributes: {} }), false, "no attributes: no match");
  });

  it("exists, equals-ignore-case and $or", () => {
    const f = compileFilterPolicy(
      JSON.stringify({ $or: [{ a: [{ exists: true }] }, { b: [{ "equals-ignore-case": "YES" }] }] }),
      "MessageAttributes",
    );
    assert.equal(f({ message: "", attributes: attrs({ a: ["String", "x"] }) }), true);
    assert.equal(f({ message: "", attributes: attrs({ b: ["String", "yes"] }) }), true);
    assert.equal(f({ message: "", attributes: attrs({ c: ["String", "x"] }) }), false);
  });

  it("matches nested fields of a JSON body; a body that is not JSON never matches", () => {
    const f = compileFilterPolicy(JSON.stringify({ order: { total: [{ numeric: [">", 10] }] } }), "MessageBody");
    assert.equal(f({ message: '{"order":{"total":11}}', attributes: {} }), true);
    assert.equal(f({ message: '{"order":{"total":9}}', attributes: {} }), false);
    assert.equal(f({ message: "plain text", attributes: {} }), false);
  });

  it("refuses what SNS refuses, as InvalidParameter", () => {
    const refused = (text: string, scope = "MessageAttributes") =>
      assert.throws(
        () => compileFilterPolicy(text, scope),
        (e: unknown) => e instanceof PlatformError && e.code === "ERR_SNS_INVALID_PARAMETER",
        text,
      );
    refused("{");
    refused("[]");
    refused('{"a":[{"wildcard":"x*"}]}');
    refused('{"a":{"b":["c"]}}');
    refused('{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}');
    refused('{"a":[{"numeric":[">"]}]}', "MessageBody");
  });
});

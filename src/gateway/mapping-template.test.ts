import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileTemplate, jsonPathOf, renderTemplate, UTIL } from "./mapping-template.js";

describe("mapping templates", () => {
  test("$util escapes, encodes and parses as API Gateway's (Java) helpers do", () => {
    assert.equal(UTIL.escapeJavaScript(`it's "a/b"\n`), `it\\'s \\"a\\/b\\"\\n`);
    assert.equal(UTIL.urlEncode("a b&c=d~*"), "a+b%26c%3Dd%7E*");
    assert.equal(UTIL.urlDecode("a+b%26c"), "a b&c");
    assert.equal(UTIL.base64Decode(UTIL.base64Encode("héllo")), "héllo");
    assert.deepEqual(UTIL.parseJson('{"a":[1]}'), { a: [1] });
  });

  test("JSONPath on a body; an empty body reads as {}", () => {
    assert.deepEqual(jsonPathOf('{"a":{"b":[1,2]}}', "$.a.b"), [1, 2]);
    assert.equal(jsonPathOf('{"a":{"b":[1,2]}}', "$.a.b[1]"), 2);
    assert.deepEqual(jsonPathOf("", "$"), {});
    assert.equal(jsonPathOf("not json", "$"), undefined);
  });

  test("Velocity: #set, #foreach, $!quiet references; a broken template renders nothing", () => {
    const t = compileTemplate("#set($x = $list)#foreach($i in $x)$i#if($foreach.hasNext),#end#end $!none $none");
    assert.equal(renderTemplate(t, { list: [1, 2, 3] }), "1,2,3  $none");
    assert.equal(renderTemplate(compileTemplate("#if($a"), {}), undefined);
  });
});

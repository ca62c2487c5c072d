import assert from "node:assert/strict";
import { test } from "node:test";
import { applyEnvVars, parseEnvVars } from "./env-vars.js";

const BODY = {
  Globals: { Function: { Environment: { Variables: { TABLE: "t" } } } },
  Resources: {
    A: { Type: "AWS::Serverless::Function", Properties: { Environment: { Variables: { GREETING: "hello" } } } },
    B: { Type: "AWS::Serverless::Function", Properties: {} },
    Q: { Type: "AWS::SQS::Queue", Properties: {} },
  },
};

test("Parameters apply to every function, a logical id's values win, undeclared variables are left out", () => {
  const overrides = parseEnvVars(
    JSON.stringify({ Parameters: { TABLE: "local", GREETING: "hey", EXTRA: "x" }, A: { GREETING: "hi", N: 3 } }),
    "env.json",
  );
  const out = applyEnvVars(BODY, overrides);
  const vars = (id: string) =>
    (out.Resources as Record<string, { Properties: { Environment?: { Variables: unknown } } }>)[id]?.Properties
      .Environment?.Variables;
  assert.deepEqual(vars("A"), { GREETING: "hi", TABLE: "local" });
  assert.deepEqual(vars("B"), { TABLE: "local" });
  assert.deepEqual(BODY.Resources.A.Properties.Environment.Variables, { GREETING: "hello" }, "the input is left alone");
});

test("a file that is not an object of objects is refused with its name", () => {
  assert.throws(() => parseEnvVars("{", "env.json"), /env\.json: not JSON/);
  assert.throws(() => parseEnvVars('{"A": 1}', "env.json"), /env\.json: A must be an object of variables/);
});

test("a dotenv file gives values to every function (declared ones only), quotes and comments as dotenv reads them", () => {
  const overrides = parseEnvVars('# local values\nTABLE=local\nGREETING="hey there"\nEXTRA=x\n', "/app/.env");
  const out = applyEnvVars(BODY, overrides);
  const vars = (id: string) =>
    (out.Resources as Record<string, { Properties: { Environment?: { Variables: unknown } } }>)[id]?.Properties
      .Environment?.Variables;
  assert.deepEqual(vars("A"), { GREETING: "hey there", TABLE: "local" });
  assert.deepEqual(vars("B"), { TABLE: "local" });
  assert.deepEqual(parseEnvVars("A=1", "local.env"), { Parameters: { A: "1" } });
  assert.throws(() => parseEnvVars("A=1", "env.json"), /env\.json: not JSON/, "a JSON file stays JSON");
});

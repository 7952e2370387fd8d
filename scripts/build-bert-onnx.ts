// Build a BERT-architecture ONNX sentence encoder with deterministic pseudo-random weights.
// Usage: tsx scripts/build-bert-onnx.ts --preset tiny|minilm --out models/<name> [--pooling mean|cls|max|mean_sqrt_len]
//        [--max-seq-length N] [--seed N] [--quantize none|int8|int8-ffn] [--no-normalize] [--tokenizer DIR]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BERT_PRESETS, BERT_QUANTIZE, buildBertModelDir, type BertPreset, type BertQuantize } from "@/lib/offline/onnx/bert";
import type { PoolingMode } from "@/lib/embedding/types";

const POOLINGS = ["mean", "cls", "max", "mean_sqrt_len"];

function main(): void {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: "tiny" },
      out: { type: "string" },
      pooling: { type: "string", default: "mean" },
      "max-seq-length": { type: "string" },
      seed: { type: "string", default: "42" },
      quantize: { type: "string", default: "none" },
      "no-normalize": { type: "boolean", default: false },
      tokenizer: { type: "string", default: "assets/tokenizer" }, // a copy of bert-base-uncased (all-MiniLM-L6-v2's)
    },
  });
  const preset = values.preset as BertPreset;
  if (!(preset in BERT_PRESETS)) throw new Error(`--preset must be one of ${Object.keys(BERT_PRESETS).join(", ")}`);
  if (!values.out) throw new Error("--out <dir> is required, e.g. --out models/tiny");
  if (!POOLINGS.includes(values.pooling!)) throw new Error(`--pooling must be one of ${POOLINGS.join(", ")}`);
  if (!BERT_QUANTIZE.includes(values.quantize as BertQuantize)) throw new Error(`--quantize must be one of ${BERT_QUANTIZE.join(", ")}`);
  const tokenizerDir = path.resolve(values.tokenizer!);
  if (!fs.existsSync(path.join(tokenizerDir, "tokenizer.json"))) {
    throw new Error(`--tokenizer ${tokenizerDir} has no tokenizer.json`);
  }
  const t0 = Date.now();
  const out = path.resolve(values.out);
  const cfg = buildBertModelDir(out, {
    preset,
    tokenizerDir,
    pooling: values.pooling as PoolingMode,
    normalize: !values["no-normalize"],
    maxSeqLength: values["max-seq-length"] ? Number(values["max-seq-length"]) : undefined,
    seed: Number(values.seed),
    quantize: values.quantize as BertQuantize,
  });
  const mb = fs.statSync(path.join(out, "model.onnx")).size / 1e6;
  console.log(
    `built ${preset} BERT (${cfg.layers} layers, hidden ${cfg.hidden}, ${cfg.heads} heads, ffn ${cfg.ffn}, vocab ${cfg.vocabSize}, ` +
      `quantize ${values.quantize}) -> ${out} (model.onnx ${mb.toFixed(1)} MB, ${Date.now() - t0} ms)`,
  );
}

try {
  main();
} catch (e) {
  console.error(`build-bert-onnx: ${(e as Error).message}`);
  process.exit(1);
}

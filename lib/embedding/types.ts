// What the rest of the app needs from an encoder: texts in, L2-normalised vectors out.
export type PoolingMode = "cls" | "mean" | "max" | "mean_sqrt_len";
export type ChunkPooling = "mean" | "max";

export interface EncodeOptions {
  batchSize?: number;
  /** How to combine the windows of a text longer than the model's max length. */
  chunkPooling?: ChunkPooling;
  /**
   * At most this many windows per text (evenly spread, first and last kept), below the encoder's own cap. For a
   * query that must answer fast: the stored vectors keep every window the encoder allows.
   */
  maxWindows?: number;
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

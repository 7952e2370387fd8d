"""Reference encoder: embeds texts with sentence-transformers on PyTorch, for parity checks against bugsift's
ONNX encoder.

    training/.venv/bin/python training/encode.py --model DIR --input texts.jsonl --output vectors.json

Input: one JSON object per line, {"text": "..."}. Output: {"dims": N, "vectors": [[...], ...]} in input order.
The model's own modules decide pooling and normalisation (nothing is added here) and its own max_seq_length
truncates; batches of 16. Runs offline: the model is read from DIR only.
"""

from __future__ import annotations

import os
import sys

sys.dont_write_bytecode = True
for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ[_flag] = "1"  # nothing here may reach the model hub

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from common import check_st_dir, fail  # noqa: E402

BATCH_SIZE = 16


def read_texts(path: Path) -> list[str]:
    texts: list[str] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                fail(f"{path}:{n}: not JSON ({e.msg})")
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                fail(f'{path}:{n}: expected an object with a string "text"')
            texts.append(row["text"])
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, type=Path, help="sentence-transformers model directory")
    ap.add_argument("--input", required=True, type=Path, help='JSONL file of {"text": ...}')
    ap.add_argument("--output", required=True, type=Path, help="JSON file to write")
    args = ap.parse_args()

    check_st_dir(args.model)
    if not args.input.is_file():
        fail(f"input file {args.input} does not exist")
    texts = read_texts(args.input)

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(args.model), device="cpu", local_files_only=True)
    vectors = model.encode(texts, batch_size=BATCH_SIZE, convert_to_numpy=True, show_progress_bar=False)
    dims = int(model.get_embedding_dimension() or (vectors.shape[1] if len(texts) else 0))
    args.output.write_text(json.dumps({"dims": dims, "vectors": vectors.tolist()}), encoding="utf-8")


if __name__ == "__main__":
    main()

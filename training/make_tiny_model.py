"""Writes a tiny, randomly initialised BERT sentence-transformers checkpoint (mean pooling + Normalize), for tests
that need a real transformer to fine-tune in seconds.

    training/.venv/bin/python training/make_tiny_model.py --tokenizer DIR --out DIR [--seed 0] [--hidden 32]
        [--layers 2] [--heads 2] [--max-seq-length 64]

--tokenizer: a BERT WordPiece tokenizer directory (tokenizer.json and/or vocab.txt), e.g. bert-base-uncased's.
"""

from __future__ import annotations

import os
import sys

sys.dont_write_bytecode = True
for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ[_flag] = "1"

import argparse  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

from common import fail, record_max_seq_length  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokenizer", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--max-seq-length", type=int, default=64)
    a = ap.parse_args()
    if not a.tokenizer.is_dir():
        fail(f"tokenizer directory {a.tokenizer} does not exist")
    if a.hidden % a.heads:
        fail("--hidden must be a multiple of --heads")

    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(a.seed)
    tokenizer = BertTokenizerFast.from_pretrained(str(a.tokenizer), local_files_only=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=a.hidden,
        num_hidden_layers=a.layers,
        num_attention_heads=a.heads,
        intermediate_size=4 * a.hidden,
        max_position_embeddings=max(128, a.max_seq_length),
    )
    staging = a.out.with_name(a.out.name + ".hf")
    BertModel(config).save_pretrained(str(staging))
    tokenizer.save_pretrained(str(staging))
    offline = {"local_files_only": True}
    word = Transformer(str(staging), max_seq_length=a.max_seq_length, model_kwargs=offline, processor_kwargs=offline,
                       config_kwargs=offline)
    model = SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), "mean"), Normalize()], device="cpu")
    model.save(str(a.out), create_model_card=False)
    record_max_seq_length(a.out, a.max_seq_length)
    shutil.rmtree(staging)
    print(a.out)


if __name__ == "__main__":
    main()

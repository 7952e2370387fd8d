"""Helpers shared by the training scripts: failing with a clear message, checking a model directory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn


def fail(message: str) -> NoReturn:
    """One line on stderr naming the problem, exit status 2 (the TypeScript driver shows it)."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def check_st_dir(path: Path) -> None:
    """A sentence-transformers checkpoint: modules.json (the pipeline) and the transformer's config.json."""
    if not path.is_dir():
        fail(f"model directory {path} does not exist")
    for name in ("modules.json", "config.json"):
        if not (path / name).is_file():
            fail(f"{path} is not a sentence-transformers checkpoint: it has no {name}")


def record_max_seq_length(model_dir: Path, max_seq_length: int) -> None:
    """sentence-transformers 6 keeps max_seq_length only as the tokenizer's model_max_length; older readers
    (bugsift's model-dir loader, sentence-transformers < 6) look for it in sentence_bert_config.json. Write it there
    too: sentence-transformers 6 reads the key back as the Transformer module's own max_seq_length argument."""
    import json

    path = model_dir / "sentence_bert_config.json"
    cfg = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    cfg["max_seq_length"] = int(max_seq_length)
    path.write_text(json.dumps(cfg, indent=4) + "\n", encoding="utf-8")

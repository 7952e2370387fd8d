"""Fine-tune a sentence-transformers checkpoint on bugsift's exported training examples, fully offline.

    training/.venv/bin/python training/finetune.py --base DIR --train examples.jsonl --output DIR \
        --checkpoints DIR [--loss mnrl|softmax|cosine|triplet] [--epochs N] [--batch-size 16] [--lr 2e-5] \
        [--warmup-ratio 0.1] [--seed 42] [--max-seq-length N]

The recipe is Sentence-BERT's: batch 16, AdamW at lr 2e-5, linear warm-up over the first 10% of steps then linear
decay. One sentence-transformers trainer runs every loss (the loss is a module handed to it). A checkpoint is
written at the end of every epoch into --checkpoints; running the same command again resumes from the last one
(the data and settings must be the same: a fingerprint is checked). Progress is JSON lines on stdout
(progress.py); errors are one "error: ..." line on stderr and exit status 2.
"""

from __future__ import annotations

import os
import sys

sys.dont_write_bytecode = True  # keep the source folder free of __pycache__
for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_flag] = "1"  # nothing here may reach the model hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from common import check_st_dir, fail, record_max_seq_length  # noqa: E402
from examples import LOSSES, read_examples  # noqa: E402
from progress import JsonLines  # noqa: E402

FINGERPRINT = "bugsift-run.json"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, type=Path, help="sentence-transformers checkpoint to start from")
    ap.add_argument("--train", required=True, type=Path, help="training examples (JSONL, see examples.py)")
    ap.add_argument("--output", required=True, type=Path, help="where the fine-tuned checkpoint is written")
    ap.add_argument("--checkpoints", required=True, type=Path, help="per-epoch checkpoints (resume source)")
    ap.add_argument("--loss", choices=LOSSES, default="mnrl")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--warmup-ratio", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-seq-length", type=int, default=None, help="override the model's (also kept for serving)")
    a = ap.parse_args()
    if a.epochs < 1 or a.batch_size < 2:
        fail("--epochs must be >= 1 and --batch-size >= 2")
    if not (a.lr > 0 and 0 <= a.warmup_ratio < 1):
        fail("--lr must be > 0 and --warmup-ratio in [0, 1)")
    if a.max_seq_length is not None and a.max_seq_length < 8:
        fail("--max-seq-length must be >= 8")
    return a


def fingerprint(a: argparse.Namespace) -> dict[str, object]:
    """What a checkpoint must have been made with for a resume to continue the same run."""
    h = hashlib.sha256()
    with a.train.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {
        "base": str(a.base.resolve()),
        "train_sha256": h.hexdigest(),
        **{k: getattr(a, k) for k in ("loss", "epochs", "batch_size", "lr", "warmup_ratio", "seed", "max_seq_length")},
    }


def resume_point(checkpoints: Path, fp: dict[str, object]) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not checkpoints.is_dir():
        return None
    last = get_last_checkpoint(str(checkpoints))
    if last is None:
        return None
    saved = checkpoints / FINGERPRINT
    if not saved.is_file() or json.loads(saved.read_text()) != fp:
        fail(f"the checkpoints in {checkpoints} belong to a run with other data or settings; delete that folder to start over")
    return last


def num_batches(n: int, batch_size: int) -> int:
    return math.ceil(n / batch_size)  # GroupNoDuplicatesBatchSampler's fixed count (drop_last off)


def build_loss(name: str, model):  # type: ignore[no-untyped-def]
    from sentence_transformers.sentence_transformer import losses

    if name == "mnrl":
        return losses.MultipleNegativesRankingLoss(model)
    if name == "softmax":  # SBERT's classification objective: softmax over (u, v, |u - v|)
        return losses.SoftmaxLoss(model, embedding_dimension=model.get_embedding_dimension(), num_labels=2)
    if name == "cosine":
        return losses.CosineSimilarityLoss(model)
    return losses.TripletLoss(model)


def main() -> None:
    a = parse_args()
    events = JsonLines(sys.stdout)
    sys.stdout = sys.stderr  # library prints must not mix with the JSON-lines protocol
    check_st_dir(a.base)
    examples = read_examples(a.train)
    fp = fingerprint(a)
    resume = resume_point(a.checkpoints, fp)

    import torch
    from datasets import DatasetDict
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import MultiDatasetBatchSamplers
    from transformers import PrinterCallback, set_seed

    from batching import GroupAwareDataCollator, GroupNoDuplicatesBatchSampler
    from examples import build_dataset
    from progress import ProgressCallback, epoch_losses

    class Trainer(SentenceTransformerTrainer):
        data_collator_class = GroupAwareDataCollator

        def add_model_card_callback(self, default_args_dict):  # type: ignore[no-untyped-def]
            pass  # no model card: it would copy training texts (bug reports) into README.md and costs a dataset pass

    set_seed(a.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    model = SentenceTransformer(str(a.base), device="cpu", local_files_only=True)
    if a.max_seq_length is not None:
        model.max_seq_length = a.max_seq_length
    dataset = build_dataset(examples, a.loss, a.seed)
    parts = list(dataset.values()) if isinstance(dataset, DatasetDict) else [dataset]
    if sum(len(p) for p in parts) < 2:
        fail("at least 2 training examples are needed")
    steps_per_epoch = sum(num_batches(len(p), a.batch_size) for p in parts)
    total_steps = steps_per_epoch * a.epochs

    a.checkpoints.mkdir(parents=True, exist_ok=True)
    (a.checkpoints / FINGERPRINT).write_text(json.dumps(fp, indent=2))
    args = SentenceTransformerTrainingArguments(
        output_dir=str(a.checkpoints),
        num_train_epochs=a.epochs,
        per_device_train_batch_size=a.batch_size,
        learning_rate=a.lr,
        warmup_steps=math.ceil(a.warmup_ratio * total_steps),
        lr_scheduler_type="linear",
        optim="adamw_torch",
        weight_decay=0.01,
        max_grad_norm=1.0,
        seed=a.seed,
        data_seed=a.seed,
        batch_sampler=GroupNoDuplicatesBatchSampler,
        multi_dataset_batch_sampler=MultiDatasetBatchSamplers.PROPORTIONAL,
        logging_strategy="steps",
        logging_steps=1,
        save_strategy="epoch",
        save_total_limit=1,
        report_to="none",
        disable_tqdm=True,
        use_cpu=True,
        dataloader_num_workers=0,
    )
    trainer = Trainer(model=model, args=args, train_dataset=dataset, loss=build_loss(a.loss, model))
    trainer.remove_callback(PrinterCallback)
    trainer.add_callback(ProgressCallback(events, steps_per_epoch, a.batch_size))

    done_epochs = 0
    if resume:
        done_epochs = int(Path(resume).name.split("-")[-1]) // steps_per_epoch
    events.emit("start", epochs=a.epochs, steps=total_steps, steps_per_epoch=steps_per_epoch,
                examples=sum(len(p) for p in parts), loss=a.loss, resumed_from_epoch=done_epochs if resume else None,
                max_seq_length=model.max_seq_length)
    t0 = time.monotonic()
    trainer.train(resume_from_checkpoint=resume)
    model.save(str(a.output), create_model_card=False)
    record_max_seq_length(a.output, model.max_seq_length)
    events.emit("done", output=str(a.output), epoch_losses=epoch_losses(trainer.state.log_history, steps_per_epoch),
                seconds=round(time.monotonic() - t0, 2))


if __name__ == "__main__":
    main()

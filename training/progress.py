"""Training progress as JSON lines on stdout, the protocol lib/train/transformer.ts reads.

  {"event": "start", "epochs", "steps", "steps_per_epoch", "examples", "resumed_from_epoch"}
  {"event": "step", "step", "epoch", "loss", "lr", "examples_per_s"}
  {"event": "epoch", "epoch", "loss", "seconds", "cpu_seconds"}   mean training loss, wall and CPU time
  {"event": "checkpoint", "epoch", "step", "path"}          written after the checkpoint is complete on disk
  {"event": "done", "output", "epoch_losses", "seconds"}
Everything else a library prints goes to stderr (see finetune.py), so stdout stays machine-readable.
"""

from __future__ import annotations

import json
import time
from typing import IO, Any

from transformers import TrainerCallback


class JsonLines:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def emit(self, event: str, **fields: Any) -> None:
        self.stream.write(json.dumps({"event": event, **fields}) + "\n")
        self.stream.flush()


def epoch_of_step(step: int, steps_per_epoch: int) -> int:
    return (step - 1) // steps_per_epoch + 1


def epoch_losses(log_history: list[dict[str, Any]], steps_per_epoch: int) -> list[float]:
    """Mean logged training loss per epoch, from the trainer's log history (kept in checkpoints, so a resumed run
    still reports the epochs it did not train itself)."""
    sums: dict[int, list[float]] = {}
    for entry in log_history:
        if "loss" in entry and "step" in entry:
            sums.setdefault(epoch_of_step(int(entry["step"]), steps_per_epoch), []).append(float(entry["loss"]))
    return [sum(v) / len(v) for _, v in sorted(sums.items())]


class ProgressCallback(TrainerCallback):
    def __init__(self, out: JsonLines, steps_per_epoch: int, batch_size: int) -> None:
        self.out = out
        self.steps_per_epoch = steps_per_epoch
        self.batch_size = batch_size
        self.epoch_started = time.monotonic()
        self.epoch_cpu = time.process_time()
        self.last_time = time.monotonic()
        self.last_step = 0
        self.epoch_loss: list[float] = []

    def on_epoch_begin(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        self.epoch_started = time.monotonic()
        self.epoch_cpu = time.process_time()  # CPU seconds of all threads: comparable on a busy machine
        self.last_time = self.epoch_started
        self.last_step = state.global_step
        self.epoch_loss = []

    def on_log(self, args, state, control, logs=None, **kwargs):  # type: ignore[no-untyped-def]
        if not logs or "loss" not in logs:
            return
        now = time.monotonic()
        steps = max(1, state.global_step - self.last_step)
        rate = steps * self.batch_size / max(now - self.last_time, 1e-9)
        self.last_time, self.last_step = now, state.global_step
        loss = float(logs["loss"])
        self.epoch_loss.append(loss)
        self.out.emit(
            "step",
            step=state.global_step,
            epoch=round(float(state.epoch or 0.0), 4),
            loss=loss,
            lr=float(logs.get("learning_rate", 0.0)),
            examples_per_s=round(rate, 2),
        )

    def on_epoch_end(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        epoch = epoch_of_step(max(state.global_step, 1), self.steps_per_epoch)
        mean = sum(self.epoch_loss) / len(self.epoch_loss) if self.epoch_loss else None
        self.out.emit("epoch", epoch=epoch, loss=mean, seconds=round(time.monotonic() - self.epoch_started, 2),
                      cpu_seconds=round(time.process_time() - self.epoch_cpu, 2))

    def on_save(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        path = f"{args.output_dir}/checkpoint-{state.global_step}"
        self.out.emit("checkpoint", epoch=epoch_of_step(state.global_step, self.steps_per_epoch), step=state.global_step, path=path)

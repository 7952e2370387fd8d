"""Batches for in-batch-negative losses, keyed by duplicate group instead of by text.

sentence-transformers' NoDuplicatesBatchSampler keeps equal *texts* apart; bug reports need more: two examples
about the same report or the same duplicate group in one batch would make a true duplicate count as a negative.
Each row carries its group keys (examples.GROUP_COLUMN); a batch never holds two rows sharing one (the same rule as
bugsift's TypeScript trainer, lib/train/batching.ts). The collator drops that column before tokenising.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

from sentence_transformers import DefaultBatchSampler
from sentence_transformers.sentence_transformer.data_collator import SentenceTransformerDataCollator

from examples import GROUP_COLUMN


class GroupNoDuplicatesBatchSampler(DefaultBatchSampler):
    """Shuffles with (seed + epoch), fills each batch greedily, defers rows whose group is already in it.

    The number of batches is fixed (ceil(n / batch_size), or floor with drop_last) so that the trainer's step
    counts, learning-rate schedule and resume-from-checkpoint arithmetic hold in every epoch; the few rows still
    deferred when that count is reached wait for the next epoch's shuffle.
    """

    def __init__(self, dataset: Any, batch_size: int, drop_last: bool, valid_label_columns: list[str] | None = None,
                 generator: Any = None, seed: int = 0) -> None:
        super().__init__(dataset, batch_size=batch_size, drop_last=drop_last,
                         valid_label_columns=valid_label_columns, generator=generator, seed=seed)
        names = getattr(dataset, "column_names", None) or []
        self.groups: list[frozenset[str]] = (
            [frozenset(g) for g in dataset[GROUP_COLUMN]] if GROUP_COLUMN in names else [frozenset()] * len(dataset)
        )

    def __len__(self) -> int:
        n = len(self.groups)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[list[int]]:
        order = list(range(len(self.groups)))
        random.Random(self.seed + self.epoch).shuffle(order)
        wanted = len(self)
        made = 0
        while order and made < wanted:
            batch: list[int] = []
            used: set[str] = set()
            deferred: list[int] = []
            for i in order:
                if len(batch) < self.batch_size and not used.intersection(self.groups[i]):
                    batch.append(i)
                    used.update(self.groups[i])
                else:
                    deferred.append(i)
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield batch
            made += 1
            order = deferred


class GroupAwareDataCollator(SentenceTransformerDataCollator):
    """The standard collator, minus the group-key column (bookkeeping for the sampler, not text to embed)."""

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Any]:
        return super().__call__([{k: v for k, v in f.items() if k != GROUP_COLUMN} for f in features])

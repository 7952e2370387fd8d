"""Training examples exported by bugsift (lib/train/transformer.ts) and the datasets each loss trains on.

One JSON object per line, either
  {"anchor": str, "positive": str, "negative": str (optional), "groups": [str, ...] (optional)}
or a labelled pair
  {"sentence1": str, "sentence2": str, "label": 0 | 1, "groups": [...] (optional)}.
`groups` names the reports / duplicate groups an example is about: two examples sharing a group never meet in one
batch, so an in-batch "negative" is never a known duplicate (see sampler.py).

Per loss, the dataset columns sentence-transformers expects (column order matters, label column last):
  mnrl     (anchor, positive[, negative]): rows with a hard negative form a second dataset, because every row of
           a dataset must have the same columns;
  triplet  (anchor, positive, negative);
  softmax  (sentence1, sentence2, label), label 1 = duplicate, 0 = not;
  cosine   (sentence1, sentence2, score), 1.0 / 0.0.
Examples without a hard negative get one for triplet/softmax/cosine the way bugsift's TypeScript trainer does it:
another example's positive (here drawn with the run's seed from a different group).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Dataset, DatasetDict

from common import fail

LOSSES = ("mnrl", "softmax", "cosine", "triplet")
GROUP_COLUMN = "groups"


@dataclass
class Example:
    anchor: str
    positive: str
    negative: str | None = None
    label: int | None = None  # set for labelled pairs only
    groups: list[str] = field(default_factory=list)


def _text(row: dict, key: str, where: str) -> str:
    v = row.get(key)
    if not isinstance(v, str):
        fail(f'{where}: "{key}" must be a string')
    return v


def read_examples(path: Path) -> list[Example]:
    if not path.is_file():
        fail(f"training file {path} does not exist")
    out: list[Example] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                fail(f"{where}: not JSON ({e.msg})")
            if not isinstance(row, dict):
                fail(f"{where}: expected a JSON object")
            groups = [str(g) for g in row.get(GROUP_COLUMN) or []]
            if "anchor" in row:
                neg = row.get("negative")
                out.append(Example(_text(row, "anchor", where), _text(row, "positive", where),
                                   _text(row, "negative", where) if neg is not None else None, None, groups))
            elif "sentence1" in row:
                label = row.get("label")
                if label not in (0, 1):
                    fail(f'{where}: "label" must be 0 or 1')
                out.append(Example(_text(row, "sentence1", where), _text(row, "sentence2", where), None, label, groups))
            else:
                fail(f'{where}: expected "anchor"/"positive" or "sentence1"/"sentence2"/"label"')
    if not out:
        fail(f"training file {path} holds no examples")
    return out


def _other_positive(i: int, examples: list[Example], rnd: random.Random) -> str:
    """A random other example's positive, from a different group when one turns up within a few draws."""
    mine = set(examples[i].groups)
    pick = examples[(i + 1) % len(examples)].positive
    for _ in range(8):
        j = rnd.randrange(len(examples))
        if j != i and not mine.intersection(examples[j].groups):
            return examples[j].positive
    return pick


def build_dataset(examples: list[Example], loss: str, seed: int) -> Dataset | DatasetDict:
    rnd = random.Random(seed)
    triples = [e for e in examples if e.label is None]
    labelled = [e for e in examples if e.label is not None]

    if loss == "mnrl":
        plain = [e for e in triples if e.negative is None] + [e for e in labelled if e.label == 1]
        hard = [e for e in triples if e.negative is not None]
        parts: dict[str, Dataset] = {}
        if plain:
            parts["pairs"] = Dataset.from_dict({
                "anchor": [e.anchor for e in plain],
                "positive": [e.positive for e in plain],
                GROUP_COLUMN: [e.groups for e in plain],
            })
        if hard:
            parts["with_negatives"] = Dataset.from_dict({
                "anchor": [e.anchor for e in hard],
                "positive": [e.positive for e in hard],
                "negative": [e.negative for e in hard],
                GROUP_COLUMN: [e.groups for e in hard],
            })
        if not parts:
            fail("mnrl needs (anchor, positive) examples or duplicate-labelled pairs")
        return next(iter(parts.values())) if len(parts) == 1 else DatasetDict(parts)

    if loss == "triplet":
        if not triples:
            fail("triplet needs (anchor, positive[, negative]) examples")
        negs = [e.negative if e.negative is not None else _other_positive(i, triples, rnd) for i, e in enumerate(triples)]
        return Dataset.from_dict({
            "anchor": [e.anchor for e in triples],
            "positive": [e.positive for e in triples],
            "negative": negs,
            GROUP_COLUMN: [e.groups for e in triples],
        })

    # softmax / cosine: labelled pairs; each (anchor, positive[, negative]) gives a positive and a negative pair.
    s1: list[str] = []
    s2: list[str] = []
    labels: list[int] = []
    groups: list[list[str]] = []
    for i, e in enumerate(triples):
        neg = e.negative if e.negative is not None else _other_positive(i, triples, rnd)
        s1 += [e.anchor, e.anchor]
        s2 += [e.positive, neg]
        labels += [1, 0]
        groups += [e.groups, e.groups]
    for e in labelled:
        s1.append(e.anchor)
        s2.append(e.positive)
        labels.append(int(e.label or 0))
        groups.append(e.groups)
    label_column = "label" if loss == "softmax" else "score"
    values: list[int] | list[float] = labels if loss == "softmax" else [float(v) for v in labels]
    return Dataset.from_dict({"sentence1": s1, "sentence2": s2, GROUP_COLUMN: groups, label_column: values})

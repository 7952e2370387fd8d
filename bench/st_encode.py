"""sentence-transformers (PyTorch, CPU) engine for bench/encode.ts.

    training/.venv/bin/python bench/st_encode.py --model DIR

Loads the model once, prints {"type": "loaded", ...} and then answers one JSON request per stdin line,
{"texts": [...], "batch": N, "budget_ms": T, "min_iters": K}, with one JSON line: the same timing loop as the
TypeScript engines (one warm-up batch, then batches until the budget is spent and at least K ran). Offline only.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.dont_write_bytecode = True

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="sentence-transformers model directory")
    args = ap.parse_args()

    t0 = time.perf_counter()
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(os.cpu_count() or 1)
    model = SentenceTransformer(args.model, device="cpu", local_files_only=True)
    load_ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({"type": "loaded", "loadMs": load_ms, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("type") == "done":
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps({"type": "done", "peakRssMB": rss_mb, "loadMs": load_ms}), flush=True)
            return
        texts, batch = req["texts"], req["batch"]
        cursor = 0

        def take(n: int) -> list[str]:
            nonlocal cursor
            out = [texts[(cursor + i) % len(texts)] for i in range(n)]
            cursor += n
            return out

        with torch.inference_mode():
            model.encode(take(min(batch, 8)), batch_size=batch, show_progress_bar=False)  # warm-up
            lat: list[float] = []
            start = time.perf_counter()
            while len(lat) < req["min_iters"] or (time.perf_counter() - start) * 1000 < req["budget_ms"]:
                s = time.perf_counter()
                model.encode(take(batch), batch_size=batch, show_progress_bar=False)
                lat.append((time.perf_counter() - s) * 1000)
        total = sum(lat)
        row = {"iters": len(lat), "reportsPerSec": len(lat) * batch * 1000 / total, "p50": percentile(lat, 50), "p99": percentile(lat, 99)}
        print(json.dumps({"type": "row", "row": row}), flush=True)


if __name__ == "__main__":
    main()

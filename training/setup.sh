#!/usr/bin/env bash
# Creates training/.venv from training/requirements.txt, idempotently: a stamp holds the requirements' hash, so a
# re-run with unchanged requirements does nothing. torch goes in first and as its CPU build (<version>+cpu), so
# pip never resolves a CUDA torch for the packages installed after it. pip's own configuration decides where the
# CPU wheel comes from (find-links, or the PyTorch CPU index through PIP_EXTRA_INDEX_URL).
#
# stdout: the venv's python path as the last line (everything else goes to stderr). Exit status non-zero with a
# message naming the failed step otherwise. PYTHON selects the interpreter (default: python3.11, else python3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
req="$here/requirements.txt"
venv="$here/.venv"
py="$venv/bin/python"
stamp="$venv/.requirements.sha256"
# Nothing the venv runs may reach the model hub.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

fail() {
  echo "training/setup.sh: $*" >&2
  exit 1
}

[ -f "$req" ] || fail "missing $req"
want="$(sha256sum "$req" | cut -d' ' -f1)"
is_current() { [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; }

if is_current; then
  echo "$py"
  exit 0
fi

# Two processes (e.g. two test files) may ask for the venv at once: the second waits, then finds it current.
exec 9<"$req"
flock 9
if is_current; then
  echo "$py"
  exit 0
fi

torch_version="$(sed -n -E 's/^torch==([0-9][0-9.]*)[[:space:]]*(#.*)?$/\1/p' "$req")"
[ -n "$torch_version" ] || fail "$req must pin torch exactly (torch==X.Y.Z)"
torch_cpu="$torch_version+cpu"

base="${PYTHON:-}"
if [ -z "$base" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1; then base="$c"; break; fi
  done
fi
[ -n "$base" ] || fail "no python3 found (set PYTHON=/path/to/python3.11)"

echo "training/setup.sh: creating $venv with $("$base" --version 2>&1) (requirements changed or venv missing)" >&2
rm -rf "$venv"
"$base" -m venv "$venv" >&2 || fail "could not create a venv with $base (on Debian: apt-get install python3-venv)"

pip=("$py" -m pip install --no-input --progress-bar off)
constraints="$(mktemp)"
trap 'rm -f "$constraints"' EXIT
echo "torch==$torch_cpu" >"$constraints"

echo "training/setup.sh: installing torch==$torch_cpu" >&2
"${pip[@]}" "torch==$torch_cpu" >&2 ||
  fail "could not install torch==$torch_cpu (the CPU build). Point pip at the wheel: PIP_FIND_LINKS=<dir with torch-$torch_cpu-*.whl> or PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu"

echo "training/setup.sh: installing $req" >&2
"${pip[@]}" -r "$req" -c "$constraints" >&2 || fail "pip install -r $req failed (see the pip output above)"

got="$("$py" -c 'import torch, sentence_transformers, transformers, datasets, accelerate; print(torch.__version__)')" ||
  fail "the venv cannot import its packages"
[ "$got" = "$torch_cpu" ] || fail "torch in the venv is $got, expected $torch_cpu"

echo "$want" >"$stamp"
echo "training/setup.sh: ready (torch $got)" >&2
echo "$py"

#!/usr/bin/env bash
# Training throughput of gpurnn's backends beside a PyTorch reference trainer, measured in one run on
# the same machine, so that the ratios are fair on a shared, noisy host.
#
# Usage: bench/compare.sh --torch PATH/torch_charrnn.py [--device N] [--cell rnn] [--hidden 128]
#                         [--layers 1] [--batch 32] [--seq 64] [--steps 20] [--threads N]
# PATH/torch_charrnn.py is a PyTorch trainer taking the same model flags and printing one JSON line
# with chars_per_s when given --json; it runs with $PYTHON (default python3) and --threads (default:
# every core, as gpurnn's CPU backend uses). Prints one line per trainer and the ratios to PyTorch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
torch="" device="auto" cell=rnn hidden=128 layers=1 batch=32 seq=64 steps=20 threads=$(nproc)
while [[ $# -gt 0 ]]; do
    case "$1" in
        --torch) torch="$2"; shift 2 ;;
        --device) device="$2"; shift 2 ;;
        --cell) cell="$2"; shift 2 ;;
        --hidden) hidden="$2"; shift 2 ;;
        --layers) layers="$2"; shift 2 ;;
        --batch) batch="$2"; shift 2 ;;
        --seq) seq="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
shape=(--cell "$cell" --hidden "$hidden" --layers "$layers" --batch "$batch" --seq "$seq" --steps "$steps")
cd "$root"

results=()
run_gpurnn() {
    local dev="$1" line err
    err=$(mktemp)
    if line=$(bin/gpurnn bench --device "$dev" "${shape[@]}" --json 2>"$err"); then
        results+=("gpurnn-$dev $(sed -E 's/.*"chars_per_s":([0-9]+).*/\1/' <<<"$line")")
        echo "gpurnn --device $dev: $line"
    else
        echo "gpurnn --device $dev: not available: $(grep -m1 '^error:' "$err" || tail -n1 "$err")" >&2
    fi
    rm -f "$err"
}
run_gpurnn cpu
[[ "$device" == cpu ]] || run_gpurnn "$device"

if [[ -n "$torch" ]]; then
    # OpenBLAS overrides some hosts set for old builds slow PyTorch down: unset them for this command only.
    line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${PYTHON:-python3}" "$torch" "${shape[@]}" \
        --threads "$threads" --data data/tinyshakespeare.txt --json)
    results+=("pytorch $(sed -E 's/.*"chars_per_s": ?([0-9]+).*/\1/' <<<"$line")")
    echo "pytorch: $line"
fi

if [[ ${#results[@]} -eq 0 ]]; then
    echo "compare.sh: no trainer ran" >&2
    exit 1
fi
echo
printf '%-16s %12s %10s\n' trainer chars/s vs-torch
ref=""
for r in "${results[@]}"; do [[ "$r" == pytorch* ]] && ref="${r#* }"; done
for r in "${results[@]}"; do
    name="${r% *}" cps="${r#* }"
    ratio="-"
    [[ -n "$ref" ]] && ratio=$(awk -v a="$cps" -v b="$ref" 'BEGIN { printf "%.2fx", a / b }')
    printf '%-16s %12s %10s\n' "$name" "$cps" "$ratio"
done

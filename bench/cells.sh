#!/usr/bin/env bash
# Trains every cell with the same budget (steps, batch, unroll) on one device and prints the final
# validation loss of each, optionally beside a PyTorch reference trainer given the same budget.
#
# Usage: bench/cells.sh [--device cpu|N] [--steps 300] [--hidden 256] [--layers 2] [--batch 32]
#                       [--seq 64] [--cells "rnn gru mgu lstm"] [--torch PATH/torch_charrnn.py]
# The PyTorch trainer (run with $PYTHON, default python3) takes --cell --hidden --layers --batch --seq
# --steps --warmup --data --json and prints val_loss; it has no MGU. Logs of each run go to bench/out/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
device=cpu steps=300 hidden=256 layers=2 batch=32 seq=64 cells="rnn gru mgu lstm" torch=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --device) device="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --hidden) hidden="$2"; shift 2 ;;
        --layers) layers="$2"; shift 2 ;;
        --batch) batch="$2"; shift 2 ;;
        --seq) seq="$2"; shift 2 ;;
        --cells) cells="$2"; shift 2 ;;
        --torch) torch="$2"; shift 2 ;;
        *) echo "cells.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
cd "$root"
mkdir -p bench/out
printf '%-6s %-8s %10s %10s\n' cell trainer val_loss seconds
for cell in $cells; do
    log="bench/out/$cell-$device-$layers"x"$hidden-$steps.log"
    start=$(date +%s)
    if ! bin/gpurnn train --device "$device" --cell "$cell" --hidden "$hidden" --layers "$layers" \
        --batch "$batch" --seq "$seq" --steps "$steps" --eval-every 0 --log-every 50 \
        --out "bench/out/ck-$cell-$device" --overwrite 2>"$log"; then
        echo "cells.sh: training $cell failed; the end of $log:" >&2
        tail -n 5 "$log" >&2
        exit 1
    fi
    val=$(sed -nE 's/.*val  step [0-9]+ \| loss ([0-9.]+).*/\1/p' "$log" | tail -1)
    printf '%-6s %-8s %10s %10s\n' "$cell" "gpurnn-$device" "$val" "$(( $(date +%s) - start ))"
    if [[ -n "$torch" && "$cell" != mgu ]]; then
        start=$(date +%s)
        line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${PYTHON:-python3}" "$torch" --cell "$cell" \
            --hidden "$hidden" --layers "$layers" --batch "$batch" --seq "$seq" --steps "$steps" \
            --warmup 0 --data data/tinyshakespeare.txt --json)
        val=$(sed -E 's/.*"val_loss": ?([0-9.]+).*/\1/' <<<"$line")
        printf '%-6s %-8s %10s %10s\n' "$cell" pytorch "$val" "$(( $(date +%s) - start ))"
    fi
done

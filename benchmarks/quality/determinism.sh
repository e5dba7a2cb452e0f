#!/bin/sh
# Every run of docs/results/determinism.md for the methods given (default:
# the optimised image methods) on the first IMAGES (default 4) images, then
# the table. Usage:
#   sh benchmarks/quality/determinism.sh [METHOD ...]
# A variant: VARIANT=name OPTIONS="methods.InputIBA.key=value" sh benchmarks/quality/determinism.sh InputIBA
# PYTHON names the interpreter (default: python).
set -e
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
images=${IMAGES:-4}
half=$((images / 2))
for method in ${@:-IBA ExtremalPerturbation MaRC InputIBA}; do
    run() { "${PYTHON:-python}" -m benchmarks.quality.determinism run --method "$method" \
        --num-images "$images" ${VARIANT:+--variant "$VARIANT"} ${OPTIONS:+--cfg-options $OPTIONS} "$@"; }
    run --name b1
    run --name b2 --batch-size 2
    [ "$images" -ge 4 ] && run --name b4 --batch-size 4
    run --name t2 --threads 2
    run --name s1 --seed 1
    run --name restart --images $(seq 0 $((half - 1)))
    run --name restart --images $(seq "$half" $((images - 1)))
done
"${PYTHON:-python}" -m benchmarks.quality.determinism table

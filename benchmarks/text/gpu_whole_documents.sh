#!/bin/sh
# Every text method on all 200 ERASER validation reviews, whole, on a GPU
# (issue 30; configs/compare/minilm_eraser_movies_whole_gpu.py), for at most
# TIME_LIMIT seconds (default 480) of one device slot; a rerun resumes.
# The tables are written once every method is done:
#   sh benchmarks/text/gpu_whole_documents.sh           # needs CUDA
#   TIME_LIMIT=60 sh benchmarks/text/gpu_whole_documents.sh --num-samples 2
# WORK_DIR: where the results go (default work_dirs/text_whole_200); PYTHON
# names the interpreter (default: python); arguments go to compare_nlp.py.
set -e
cd "$(dirname "$0")/../.."
status=0
timeout "${TIME_LIMIT:-480}" "${PYTHON:-python}" tools/nlp/compare_nlp.py \
    configs/compare/minilm_eraser_movies_whole_gpu.py \
    --work-dir "${WORK_DIR:-work_dirs/text_whole_200}" --device cuda "$@" || status=$?
if [ "$status" -eq 124 ]; then
    echo "stopped after ${TIME_LIMIT:-480} s: run again to go on" >&2
fi
exit "$status"

#!/bin/sh
# InputIBA on one GPU (issue 27, item 5): the default and published schedules,
# a batch-size sweep (1/8/32), bf16 against fp32 masks and torch.compile on/off,
# the amortised InputIBA at batch 1 and 32,
# in under 8 minutes on one H100; one JSON (default work_dirs/gpu_suite/gpu_suite.json)
# and a table. Arguments go to benchmarks.speed.gpu_suite (see its --help):
#   sh benchmarks/speed/gpu_suite.sh               # needs CUDA
#   sh benchmarks/speed/gpu_suite.sh --smoke       # every run on 2 images, CPU, one thread
# PYTHON names the interpreter (default: python).
set -e
cd "$(dirname "$0")/../.."
case " $* " in
    *" --smoke "*) export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 ;;
esac
exec "${PYTHON:-python}" -m benchmarks.speed.gpu_suite "$@"

#!/usr/bin/env bash
# Run a train tool on N processes, each a shard of the dataset (torchrun).
#   tools/dist_train.sh CONFIG N --work-dir DIR [more tool arguments]
# TOOL selects the tool (default tools/vision/train.py; e.g. TOOL=tools/nlp/train_nlp.py).
# GPUs: one process per GPU (NCCL). CPU: add --device cpu (gloo).
# Exit status: the tool's (1 when samples of any process failed; the totals of
# all processes are printed once), or torchrun's when a process crashed.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 CONFIG NUM_PROCESSES --work-dir DIR [tool arguments]" >&2
  exit 2
fi
CONFIG=$1
NPROC=$2
shift 2
TOOL=${TOOL:-tools/vision/train.py}
PORT=${PORT:-$((29500 + RANDOM % 1000))}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python}
# the processes leave their status here and exit 0: a run with failed samples
# is not a crash, and torchrun would report it as one
INPUT_IBA_STATUS_FILE=$(mktemp)
export INPUT_IBA_STATUS_FILE
trap 'rm -f "$INPUT_IBA_STATUS_FILE"' EXIT
"$PYTHON" -m torch.distributed.run --nnodes=1 --nproc_per_node="$NPROC" \
  --master_addr=127.0.0.1 --master_port="$PORT" "$ROOT/$TOOL" "$CONFIG" "$@"
STATUS=$(cat "$INPUT_IBA_STATUS_FILE")
exit "${STATUS:-0}"

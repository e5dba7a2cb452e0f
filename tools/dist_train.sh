#!/usr/bin/env bash
# Run a train tool on N processes, each a shard of the dataset (torchrun).
#   tools/dist_train.sh CONFIG N --work-dir DIR [more tool arguments]
# TOOL selects the tool (default tools/vision/train.py; e.g. TOOL=tools/nlp/train_nlp.py).
# GPUs: one process per GPU (NCCL). CPU: add --device cpu (gloo).
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
exec "$PYTHON" -m torch.distributed.run --nnodes=1 --nproc_per_node="$NPROC" \
  --master_addr=127.0.0.1 --master_port="$PORT" "$ROOT/$TOOL" "$CONFIG" "$@"

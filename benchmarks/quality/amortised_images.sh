#!/bin/sh
# The amortised InputIBA on images (issue 31), every step from the teacher's
# masks to the paired table. The store and the scores resume and finished
# explainers are kept, so after an interruption the script is run again:
#   NPROC=2 sh benchmarks/quality/amortised_images.sh
# 1. the teacher (the default InputIBA) on the 68 ImageNet images x 15
#    (1,020 images, about 16 CPU s each) in NPROC processes of one thread,
#    into the config's targets_dir (work_dirs/ee_iiba_effnet_1k/targets);
# 2. two cross-fitted explainers (train.val_fold 0 and 1) and their
#    evaluation (MSE, Spearman rho beside a constant and the mean map), side
#    by side when NPROC >= 2 (logs: $WORK/fold0.log, fold1.log);
# 3. the amortised masks and the warm starts (3, 10, 30 input steps) of the
#    68 originals, each by the explainer that never saw the photo, scored
#    like input_iba_quality's runs (paper EHR, insertion, deletion,
#    pointing) and paired with the teacher's masks.
# PYTHON names the interpreter (default .venv/bin/python), DEVICE the device
# (default cpu), WORK the folder of the store and the folds (default
# work_dirs/ee_iiba_effnet_1k) and QUALITY input_iba_quality's work dir
# (default work_dirs/iq68).
set -e
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
DEVICE=${DEVICE:-cpu}
WORK=${WORK:-work_dirs/ee_iiba_effnet_1k}
STORE="targets_dir=$WORK/targets"
QUALITY=${QUALITY:-work_dirs/iq68}
CFG=configs/empirical_explainer/input_iba_default_efficientnet_lite0.py
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
TOOL=tools/explain_dataset.py PYTHON=$PY tools/dist_train.sh $CFG "${NPROC:-1}" \
    --work-dir $WORK/targets --device "$DEVICE" --cfg-options "$STORE"
fold() {
    if [ ! -f $WORK/fold$1/explainer.pth ]; then
        $PY tools/train_explainer.py $CFG --work-dir $WORK/fold$1 --device "$DEVICE" \
            --cfg-options "$STORE" train.val_fold=$1
    fi
    if [ ! -f $WORK/fold$1/evaluation.json ]; then
        $PY tools/evaluate_explainer.py $CFG --work-dir $WORK/fold$1 --device "$DEVICE" \
            --cfg-options "$STORE" train.val_fold=$1
    fi
}
if [ "${NPROC:-1}" -ge 2 ]; then
    # side by side, each logged beside its work dir; a failed fold stops the script
    mkdir -p $WORK
    fold 0 > $WORK/fold0.log 2>&1 & P0=$!
    fold 1 > $WORK/fold1.log 2>&1 & P1=$!
    wait $P0 || { echo "fold 0 failed: $WORK/fold0.log" >&2; exit 1; }
    wait $P1 || { echo "fold 1 failed: $WORK/fold1.log" >&2; exit 1; }
else
    fold 0
    fold 1
fi
$PY -m benchmarks.quality.amortised_images $CFG --folds $WORK/fold0 $WORK/fold1 \
    --quality-dir $QUALITY --steps 3 10 30 --device "$DEVICE" --cfg-options "$STORE"
$PY -m benchmarks.quality.input_iba_quality score --work-dir $QUALITY --kinds input
$PY -m benchmarks.quality.input_iba_quality table --work-dir $QUALITY --kinds input \
    --against teacher:input

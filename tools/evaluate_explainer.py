"""Evaluate a trained empirical explainer on its validation split: MSE to the
target, the target's convergence curve, faithfulness side by side, pictures.

    python tools/evaluate_explainer.py configs/empirical_explainer/ig_bilstm_sst2.py \
        --work-dir work_dirs/ee_ig_sst2
"""
import sys

from input_iba.tools.evaluate_explainer import main
from input_iba.tools.prologue import run_tool

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

"""Train an empirical explainer on a finished run of an expensive one and
report its validation MSE and speed-up.

    python tools/train_explainer.py configs/empirical_explainer/ig_bilstm_sst2.py \\
        --work-dir work_dirs/ee_ig_sst2
"""
import sys

from input_iba.tools.prologue import run_tool
from input_iba.tools.train_explainer import main

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

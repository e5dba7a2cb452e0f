"""Run any registered attributor over a dataset and store its attributions,
predictions and labels in resumable shards (+ attributions.jsonl).

    python tools/explain_dataset.py configs/empirical_explainer/ig_bilstm_sst2.py \
        --work-dir work_dirs/ee_ig_sst2/targets
"""
import sys

from input_iba.tools.explain_dataset import main
from input_iba.tools.prologue import run_tool

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

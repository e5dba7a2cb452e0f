"""Explain an image classifier on a dataset: per sample, optimise the masks
of the configured attributor and write input_masks/ and feat_masks/.

    python tools/vision/train.py configs/input_iba/efficientnet_lite0_imagenet.py \
        --work-dir work_dirs/effnet [--cfg-options key=value ...]
"""
import sys

from input_iba.tools.prologue import run_tool
from input_iba.tools.train import main

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

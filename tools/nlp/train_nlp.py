"""Explain a text classifier on a dataset: per document, optimise the masks
of the configured attributor and write input_masks/ (one value per token),
feat_masks/ and an HTML page per document.

    python tools/nlp/train_nlp.py configs/input_iba/deep_lstm_eraser_movies.py \
        --work-dir work_dirs/lstm_eraser [--cfg-options key=value ...]
"""
import sys

from input_iba.tools.prologue import run_tool
from input_iba.tools.train import main

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

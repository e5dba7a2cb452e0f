"""Train a text classifier from a config; checkpoints and vocabulary go to
the work dir, and a rerun resumes from the last epoch.

    python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py \\
        --work-dir work_dirs/deep_lstm_eraser_movies
"""
import sys

from input_iba.tools.prologue import run_tool
from input_iba.tools.train_classifier import main

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

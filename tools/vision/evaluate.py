"""Evaluate the masks of a work dir with image metrics; write JSON and curves.

    python tools/vision/evaluate.py CONFIG --work-dir DIR --metrics insertion_deletion ehr
"""
import sys

from input_iba.tools.evaluate import main
from input_iba.tools.prologue import run_tool

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

"""Evaluate the token masks of a work dir: ERASER comprehensiveness and
sufficiency, agreement with human rationales, insertion/deletion, sensitivity-N.

    python tools/nlp/evaluate_nlp.py CONFIG --work-dir DIR --metrics eraser rationale_agreement
"""
import sys

from input_iba.tools.evaluate import main
from input_iba.tools.prologue import run_tool

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

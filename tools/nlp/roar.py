"""A (Recursive) ROAR study: mask the tokens each measure calls important,
retrain, repeat; RACU with bootstrap intervals and the curves.

    python tools/nlp/roar.py configs/roar/bilstm_attention_sst2.py --work-dir work_dirs/roar_sst2
"""
import sys

from input_iba.tools.prologue import run_tool
from input_iba.tools.roar import main

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

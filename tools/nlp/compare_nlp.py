"""Run several attributors and text metrics on one dataset; write a Markdown
table (mean ± 95% CI per method and metric), the curves and report.html (each
method's highlighted documents side by side, the human rationale marked,
sortable tables).

    python tools/nlp/compare_nlp.py configs/compare/deep_lstm_eraser_movies.py \\
        --work-dir work_dirs/compare_text
"""
import sys

from input_iba.tools.compare import main
from input_iba.tools.prologue import run_tool

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

"""Run several attributors and metrics on one dataset; write a Markdown table
(mean ± 95% CI per method and metric), a mask grid, the curves and
report.html (the methods side by side, sortable tables, the paired table).

    python tools/vision/compare.py configs/compare/efficientnet_lite0_imagenet.py \\
        --work-dir work_dirs/compare
"""
import sys

from input_iba.tools.compare import main
from input_iba.tools.prologue import run_tool

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

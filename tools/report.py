"""Write report.html for a work dir: the run, its samples with their masks
and classes, its metrics and failures, in one static page.

    python tools/report.py --work-dir work_dirs/demo \
        [--config CFG] [--class-names imagenet_class_index.json]
"""
import sys

from input_iba.tools.prologue import run_tool
from input_iba.tools.report import main

if __name__ == '__main__':
    sys.exit(run_tool(main, __doc__))

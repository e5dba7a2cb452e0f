"""tools/report.py: (re)build ``report.html`` for an existing work dir."""
import argparse
from typing import List, Optional

from input_iba.apis.builders import load_config
from input_iba.datasets.class_names import read_class_names
from input_iba.visualization.report import PAGE_SIZE, write_report

from .prologue import positive_int


def main(description: str, argv: Optional[List[str]] = None) -> str:
    """Write the report of ``--work-dir``; returns its path."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--work-dir', required=True, help='a run (with input_masks/)')
    parser.add_argument('--config', default=None,
                        help="the run's config (default: the work dir's config.py)")
    parser.add_argument('--class-names', default=None,
                        help='class names when the dataset has none: an ImageNet-style '
                        'index JSON, a JSON list, or a text file with one name a line')
    parser.add_argument('--page-size', type=positive_int, default=PAGE_SIZE,
                        help='cards on a page')
    args = parser.parse_args(argv)
    cfg = None if args.config is None else load_config(args.config, required=())
    names = None if args.class_names is None else read_class_names(args.class_names)
    path = write_report(args.work_dir, cfg, names, args.page_size)
    print(f'Report: {path}')
    return path

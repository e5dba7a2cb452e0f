"""Evaluate the masks of a work dir with image metrics; write JSON and curves.

    python tools/vision/evaluate.py CONFIG --work-dir DIR --metrics insertion_deletion ehr
"""
from input_iba.tools.evaluate import main

if __name__ == '__main__':
    main(__doc__.splitlines()[0])

"""The work dir's layout: the one place that names what a run writes.

Per sample: ``input_masks/<name>.npy`` (+ ``.png``/``.html``),
``feat_masks/<name>.npy``, the extra maps' folders and ``meta/<name>.json``;
per run: the run record, the config dump, ``failed.jsonl``, the logs and
``report.html``; per evaluation: ``eval_<masks folder>/``. Tools, writers,
evaluators, visualisers and benchmarks read the names from here.
"""
import os.path as osp

INPUT_DIR, FEAT_DIR, META_DIR = 'input_masks', 'feat_masks', 'meta'
#: the folders of the other per-sample maps (``AttributionResult.extras``)
EXTRA_DIRS = ('gen_masks', 'feature_attributions')
#: what an attribution run writes per sample
SAMPLE_DIRS = (INPUT_DIR, FEAT_DIR, META_DIR) + EXTRA_DIRS
#: the failures of the last run, one JSON line per sample
FAILED = 'failed.jsonl'
#: the run record (config hash, seed, code version, machine)
RECORD = 'run.json'
#: the config as the run resolved it
CONFIG_DUMP = 'config.py'
#: the folder of the logs: ``<time>.log`` per run (one per process under torchrun)
LOGS = 'logs'
#: the page of the run (input_iba.visualization.report)
REPORT = 'report.html'
#: an evaluation's folder is this prefix and the masks folder it scored
EVAL_PREFIX = 'eval_'


def eval_dir(work_dir: str, masks: str = INPUT_DIR) -> str:
    """Where the evaluation of ``work_dir/masks`` goes."""
    return osp.join(work_dir, EVAL_PREFIX + masks)


def meta_path(work_dir: str, name: str) -> str:
    """The meta record of sample ``name``."""
    return osp.join(work_dir, META_DIR, name + '.json')

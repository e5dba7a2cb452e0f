"""--overwrite deletes only what a run writes, and only once every check has
passed; a work dir that holds the input data is refused; a broken output is
not a finished sample."""
import errno
import json
import os

import numpy as np
import pytest

from input_iba.tools.evaluate import main as evaluate
from input_iba.tools.train import main as train
from input_iba.utils import save_npy

from .helpers import SALIENCY, make_image_run


@pytest.fixture
def finished(tmp_path, monkeypatch):
    """A finished Saliency run over 3 images; its work dir also holds a
    user's note, a user's folder and an evaluation."""
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=3, broken=False)
    cfg.write_text(SALIENCY.format(root=tmp_path / 'images', labels=None))
    train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    evaluate('e', [str(cfg), '--work-dir', str(work), '--device', 'cpu',
                   '--metrics', 'insertion_deletion'])
    (work / 'notes.txt').write_text('mine')
    (work / 'mine').mkdir()
    (work / 'mine' / 'a.npy').write_bytes(b'mine too')
    (work / 'mine' / 'failed.jsonl').write_text('my list')
    return cfg, work


def _tree(folder):
    """``{relative path: bytes}`` of every file under ``folder``."""
    return {os.path.relpath(os.path.join(d, f), folder): open(os.path.join(d, f), 'rb').read()
            for d, _, files in os.walk(folder) for f in files}


def test_overwrite_removes_the_old_outputs_and_keeps_the_users_files(finished):
    cfg, work = finished
    old_masks = _tree(work / 'input_masks')
    (work / 'input_masks' / 'gone.npy').write_bytes(b'an old output')
    train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu', '--seed', '7',
                '--overwrite'])
    assert (work / 'notes.txt').read_text() == 'mine'
    assert (work / 'mine' / 'a.npy').read_bytes() == b'mine too'
    assert (work / 'mine' / 'failed.jsonl').read_text() == 'my list'
    assert not (work / 'eval_input_masks').exists()  # it scored the old masks
    assert json.loads((work / 'run.json').read_text())['seed'] == 7
    assert sorted(_tree(work / 'input_masks')) == sorted(old_masks)  # gone.npy went
    assert 'kept what no run writes: mine, notes.txt' in max((work / 'logs').glob(
        '*.log')).read_text()  # this run's log


def test_overwrite_with_a_mistyped_layer_leaves_the_old_results(finished, tmp_path):
    cfg, work = finished
    iba_cfg = tmp_path / 'iba.py'
    iba_cfg.write_text(cfg.read_text().replace(
        "attributor = dict(type='Saliency')",
        "attributor = dict(type='IBA', layer='features.22')"))
    before = _tree(work)
    with pytest.raises(Exception, match="Layer 'features.22' does not exist"):
        train('t', [str(iba_cfg), '--work-dir', str(work), '--device', 'cpu', '--overwrite'])
    after = _tree(work)
    new_logs = set(after) - set(before)  # the refused run's log joined the earlier ones
    assert len(new_logs) == 1 and new_logs.pop().startswith('logs' + os.sep)
    assert {k: after[k] for k in before} == before


def test_overwrite_of_an_evaluation_removes_its_own_outputs_only(finished):
    cfg, work = finished
    out = work / 'eval_input_masks'
    (out / 'mine.txt').write_text('mine')
    evaluate('e', [str(cfg), '--work-dir', str(work), '--device', 'cpu', '--seed', '3',
                   '--metrics', 'ehr', '--overwrite'])
    assert (out / 'mine.txt').read_text() == 'mine'
    assert not (out / 'insertion_deletion').exists()
    assert (out / 'ehr.json').is_file()
    assert (work / 'input_masks').is_dir()  # the run's masks are not the evaluation's


@pytest.mark.parametrize('where', ['images', '.'])
def test_a_work_dir_that_holds_the_input_data_is_refused(where, tmp_path, monkeypatch):
    cfg, _ = make_image_run(tmp_path, monkeypatch, num_images=2, broken=False)
    cfg.write_text(SALIENCY.format(root=tmp_path / 'images', labels=None))
    before = _tree(tmp_path)
    with pytest.raises(ValueError, match='contains the input data'):
        train('t', [str(cfg), '--work-dir', str(tmp_path / where), '--device', 'cpu',
                    '--overwrite'])
    assert _tree(tmp_path) == before


@pytest.mark.parametrize('content', [b'', b'\x93NUMPY broken', None])
def test_a_broken_mask_is_not_a_finished_sample(content, finished):
    cfg, work = finished
    path = work / 'input_masks' / 'img1.npy'
    if content is None:  # cut short
        content = path.read_bytes()[:-8]
    path.write_bytes(content)
    summary = train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert (summary['done'], summary['skipped']) == (1, 2)
    assert np.load(path).shape == (16, 16)


def test_a_full_disk_says_so_and_names_the_file(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(np, 'save', full)
    with pytest.raises(OSError, match=r'The disk is full: .*x\.npy could not be written'):
        save_npy(str(tmp_path / 'x.npy'), np.zeros(3))
    assert os.listdir(tmp_path) == []  # no temporary left behind


def test_the_tools_name_everything_they_write(finished):
    from input_iba.tools.evaluate import evaluation_outputs
    from input_iba.tools.train import TRAIN_OUTPUTS
    from input_iba.utils.layout import WorkDir
    _, work = finished
    ours = WorkDir(work).run_outputs(TRAIN_OUTPUTS)
    assert set(os.listdir(work)) - set(ours) == {'notes.txt', 'mine'}
    out = work / 'eval_input_masks'
    assert WorkDir(out).run_outputs(evaluation_outputs()) == sorted(os.listdir(out))

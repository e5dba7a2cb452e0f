"""The work dir's layout has one owner: input_iba/utils/layout.py names every
output, and :class:`WorkDir` gives the paths, claims a dir for a run and
cleans up."""
import os
import os.path as osp
import re

import numpy as np
import pytest

from input_iba.utils.io import TMP_PREFIX
from input_iba.utils.layout import WorkDir, run_record

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LAYOUT = osp.join('input_iba', 'utils', 'layout.py')
#: the folder names that only the layout module may spell
SPELLED = re.compile(r'''['"](input_masks|feat_masks)['"]''')


def test_only_the_layout_module_spells_the_mask_folders():
    hits = []
    for top in ('input_iba', 'tools', 'benchmarks'):
        for folder, _, files in os.walk(osp.join(REPO, top)):
            for name in files:
                path = osp.join(folder, name)
                if not name.endswith('.py') or osp.relpath(path, REPO) == LAYOUT:
                    continue
                with open(path, encoding='utf-8') as f:
                    hits += [f'{osp.relpath(path, REPO)}: {m.group(0)}'
                             for m in SPELLED.finditer(f.read())]
    assert hits == [], 'take the paths from input_iba.utils.layout.WorkDir'
    with open(osp.join(REPO, LAYOUT), encoding='utf-8') as f:
        assert len(SPELLED.findall(f.read())) == 2


def test_paths():
    work = WorkDir('/w')
    assert work.mask('a') == '/w/input_masks/a.npy'
    assert work.mask('a', 'feat_masks', ext='') == '/w/feat_masks/a'
    assert work.masks() == '/w/input_masks' and work.meta('a') == '/w/meta/a.json'
    assert work.eval_dir() == '/w/eval_input_masks'
    assert (work.failed, work.record, work.config_dump, work.logs, work.report) == (
        '/w/failed.jsonl', '/w/run.json', '/w/config.py', '/w/logs', '/w/report.html')


class Config(dict):
    def to_dict(self):
        return dict(self)


def test_claim_refuses_another_run_unless_overwrite_and_removes_only_run_outputs(tmp_path):
    work = WorkDir(str(tmp_path))
    first = run_record(Config(a=1, work_dir='x'), seed=0)
    assert first == run_record(Config(a=1, work_dir='y'), seed=0)  # the work dir is not hashed
    assert work.claim(first, overwrite=False, outputs=('input_masks', )) == (False, None)
    work.write_record(first)
    os.makedirs(work.masks())
    np.save(work.mask('s'), np.zeros(2))
    (tmp_path / 'notes.txt').write_text('mine')
    other = run_record(Config(a=2), seed=0)
    with pytest.raises(RuntimeError, match='holds results of another run'):
        work.claim(other, overwrite=False, outputs=('input_masks', ))
    assert work.claim(other, overwrite=True, outputs=('input_masks', )) == (True, None)
    assert work.claim(dict(first, code_version='old'), False, ('input_masks', ))[1] \
        .endswith("resuming with old.")
    assert work.is_finished('s') and not work.is_finished('t')
    assert work.remove_outputs(('input_masks', )) == ['notes.txt']
    assert sorted(os.listdir(tmp_path)) == ['notes.txt']


def test_remove_temporaries_keeps_what_is_not_ours(tmp_path):
    work = WorkDir(str(tmp_path))
    os.makedirs(work.masks())
    os.makedirs(tmp_path / 'user')
    dead = f'{TMP_PREFIX}999999999-x.npy'
    for path in (work.mask(dead, ext=''), work.failed, str(tmp_path / 'user' / 'failed.jsonl'),
                 str(tmp_path / 'user' / '.tmp-mine')):
        open(path, 'w').close()
    work.remove_temporaries(work.run_outputs(('input_masks', )))
    assert os.listdir(work.masks()) == []
    assert not osp.exists(work.failed)
    assert sorted(os.listdir(tmp_path / 'user')) == ['.tmp-mine', 'failed.jsonl']

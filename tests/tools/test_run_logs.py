"""Every run of a tool writes its own log, logs/<time>.log: a rerun keeps
the earlier runs' logs as they were."""
import time

from input_iba.tools.prologue import log_file
from input_iba.tools.train import main as train

from .helpers import SALIENCY, make_image_run


def test_a_rerun_adds_a_log_and_keeps_the_first(tmp_path, monkeypatch):
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=2, broken=False)
    cfg.write_text(SALIENCY.format(root=tmp_path / 'images',
                                   labels=repr(str(tmp_path / 'labels.txt'))))
    args = [str(cfg), '--work-dir', str(work), '--device', 'cpu']
    train('t', args)
    [first] = (work / 'logs').iterdir()
    before = first.read_text()
    assert 'attribution summary' in before
    assert train('t', args)['skipped'] == 2  # resumed: nothing left to do
    logs = sorted((work / 'logs').iterdir())
    assert len(logs) == 2 and first in logs and first.read_text() == before
    [second] = set(logs) - {first}
    assert '"skipped": 2' in second.read_text()


def test_runs_that_start_in_the_same_second_get_their_own_logs(tmp_path, monkeypatch):
    monkeypatch.setattr(time, 'strftime', lambda fmt: '20260101_120000')
    names = []
    for _ in range(3):
        path = log_file(str(tmp_path))
        open(path, 'w').close()
        names.append(path.rsplit('/', 1)[1])
    assert names == ['20260101_120000.log', '20260101_120000_2.log', '20260101_120000_3.log']
    # a file of a process of a torchrun run that started then takes the name too
    (tmp_path / 'logs' / '20260101_120000_4_host_device0_rank1.log').touch()
    assert log_file(str(tmp_path)).endswith('20260101_120000_5.log')

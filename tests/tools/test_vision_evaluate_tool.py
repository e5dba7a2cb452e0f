import json

from input_iba.tools.evaluate import main as evaluate
from input_iba.tools.train import main as train


def test_evaluate_a_finished_run(image_run):
    cfg, work = image_run
    train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    options = ['--cfg-options', 'evaluation.insertion_deletion.pixels_per_step=16',
               'evaluation.sensitivity_n.num_subsets=5', 'evaluation.sensitivity_n.ns=[1,8]']
    results = evaluate('e', [
        str(cfg), '--work-dir', str(work), '--device', 'cpu', '--metrics',
        'insertion_deletion', 'sensitivity_n'] + options)
    assert results['insertion_deletion']['num_samples'] == 4
    rec = json.load(open(work / 'eval_input_masks' / 'insertion_deletion' / 'img0.json'))
    assert len(rec['insertion']) == 17 and 0 <= rec['insertion_auc'] <= 1
    assert (work / 'eval_input_masks' / 'insertion_deletion.png').is_file()
    assert (work / 'eval_input_masks' / 'sensitivity_n.png').is_file()
    # rerun: everything is read back, nothing recomputed
    again = evaluate('e', [str(cfg), '--work-dir', str(work), '--device', 'cpu',
                           '--metrics', 'insertion_deletion'] + options)
    assert again['insertion_deletion'] == results['insertion_deletion']

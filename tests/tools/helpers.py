"""Shared pieces of the tool tests: a tiny user model config and images."""
import os
import os.path as osp

import mmcv
import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FIXTURES = osp.join(REPO, 'tests', 'fixtures')

CONFIG = '''
custom_imports = dict(imports=['user_model'], allow_failed_imports=False)
model = dict(type='UserTinyNet')
pipeline = dict(type='ResizeNormalize', size=(16, 16))
attributor = dict(
    type='InputIBA', layer='features.2',
    feat_iba=dict(steps=3, copies=2),
    gan=dict(dataset_size=8, subset_size=4, batch_size=4, epochs=1, critic_iters=2),
    input_iba=dict(steps=3, copies=2),
    critic=dict(type='ConvCritic', hidden=(8, )))
data = dict(
    attribute=dict(type='ImageFolder', root=r'{root}', labels={labels},
                   pipeline=pipeline),
    estimate=dict(type='ImageFolder', root=r'{root}', pipeline=pipeline),
    num_estimation_samples=8, estimation_batch_size=4)
visualizer = dict(type='ImageHeatmap')
attribution = dict(batch_size=2)
'''

#: the same run with Saliency (no estimation, no optimisation: fast)
SALIENCY = CONFIG.replace("""attributor = dict(
    type='InputIBA',""", """attributor = dict(type='Saliency')
unused = dict(
    type='InputIBA',""")


def make_image_run(tmp_path, monkeypatch, num_images=5, broken=True,
                   labels='img3.png 9\nimg1.png 2\n'):
    """Random PNGs (plus an unreadable file) and a config for UserTinyNet.
    The default labels put img3 out of range (9 of 4 classes)."""
    monkeypatch.syspath_prepend(FIXTURES)
    root = tmp_path / 'images'
    root.mkdir()
    rng = np.random.default_rng(0)
    for i in range(num_images):
        mmcv.imwrite(rng.integers(0, 255, (20, 24, 3), dtype=np.uint8),
                     str(root / f'img{i}.png'))
    if broken:
        (root / 'broken.png').write_bytes(b'not an image')
    label_file = tmp_path / 'labels.txt'
    label_file.write_text(labels)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CONFIG.format(root=root, labels=repr(str(label_file))))
    return cfg, tmp_path / 'work'


def masks(work):
    folder = work / 'input_masks'
    return {f: np.load(folder / f) for f in sorted(os.listdir(folder))
            if f.endswith('.npy')}

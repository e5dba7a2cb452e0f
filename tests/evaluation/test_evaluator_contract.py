"""The contract of every registered metric, one table of light
configurations per modality (like the attributors' contract table): run
through ``MaskEvaluator.run`` over masks on disk, on a tiny model and two
samples, each metric writes JSON-able records and a summary with every one
of its ``summary_keys``, whose means are finite numbers. A registered metric
missing from the table of one of its ``modalities`` fails the first test."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch

from input_iba.evaluation.catalogue import metrics
from input_iba.registry import MODELS

TOKENS = dict(type='TokenEmbeddingAdapter')
RERUN = dict(type='Saliency')  # the attributor a re-running metric re-runs
# metric -> light settings on the tiny convnet (3 x 16 x 16 images with a box)
IMAGE = dict(
    insertion_deletion=dict(pixels_per_step=32, blur_sigma=1.0),
    sensitivity_n=dict(ns=(4, 16), num_subsets=4),
    faithfulness_correlation=dict(subset_size=16, num_subsets=4),
    monotonicity=dict(positions_per_step=64),
    degradation=dict(tile=4, tiles_per_step=4),
    road=dict(fractions=(0.25, 0.5)),
    background_faithfulness=dict(fractions=(0.25, ), blur_sigma=1.0),
    ehr=dict(), ehr_share=dict(), pointing_game=dict(tolerance=2),
    complexity=dict(), sparseness=dict(),
    sanity_check=dict(attributor=RERUN, max_steps=2),
    random_logit=dict(attributor=RERUN, num_classes=3),
    max_sensitivity=dict(attributor=RERUN, num_perturbations=2),
    local_lipschitz=dict(attributor=RERUN, num_perturbations=2),
)
# metric -> light settings on a tiny random BERT through its tokenizer
# (word-level masks; documents with a human rationale)
TEXT = dict(
    insertion_deletion=dict(), sensitivity_n=dict(ns=(1, 2), num_subsets=4),
    faithfulness_correlation=dict(subset_size=2, num_subsets=4),
    monotonicity=dict(positions_per_step=2), eraser=dict(), rationale_agreement=dict(),
    threshold_agreement=dict(),
    pad_faithfulness=dict(), complexity=dict(), sparseness=dict(),
)


def test_every_registered_metric_is_in_the_table():
    for table, modality in ((IMAGE, 'image'), (TEXT, 'text')):
        # the package's own metrics (tests may register examples of their own)
        declared = {name for name, cls in metrics().items()
                    if modality in cls.modalities and cls.__module__.startswith('input_iba.')}
        missing = declared - set(table)
        assert not missing, f'add a light {modality} configuration of {sorted(missing)}'
        wrong = set(table) - declared
        assert not wrong, f'{sorted(wrong)} do not declare {modality!r} in their modalities'


class Items:
    """Two samples as a dataset gives them, ``sample_name`` included."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def sample_name(self, i):
        return self.items[i]['name']


def _check_run(evaluator, dataset, masks, folder):
    mask_dir = osp.join(folder, 'input_masks')
    os.makedirs(mask_dir)
    for item, mask in zip(dataset.items, masks):
        np.save(osp.join(mask_dir, item['name'] + '.npy'), np.asarray(mask, np.float32))
    summary = evaluator.run(dataset, mask_dir, osp.join(folder, 'eval'), progress=False)
    json.dumps(summary)
    assert summary['num_samples'] == len(dataset), summary
    for key in evaluator.summary_keys:
        mean = summary[key]['mean']
        assert mean is not None and np.isfinite(mean), (key, summary[key])
    for item in dataset.items:
        with open(osp.join(folder, 'eval', evaluator.name, item['name'] + '.json')) as f:
            record = json.load(f)
        assert set(evaluator.summary_keys) <= set(record)
    return summary


def _build(name, settings, model, adapter=None):
    cls = metrics()[name]
    cfg = dict(settings, model=model)
    if adapter is not None:
        cfg['adapter'] = adapter
        if cls.reruns_attributor:
            cfg['attributor'] = dict(cfg['attributor'], adapter=adapter)
    return cls(**cfg)


@pytest.mark.parametrize('name', sorted(IMAGE))
def test_image_metric_contract(name, tiny_convnet, tmp_path):
    gen = torch.Generator().manual_seed(0)
    items = [dict(name=f'img{i}', inputs=torch.randn(3, 16, 16, generator=gen), target=i,
                  boxes=np.array([[2, 3, 9, 10]])) for i in range(2)]
    masks = [torch.rand(16, 16, generator=gen).numpy() for _ in items]
    _check_run(_build(name, IMAGE[name], tiny_convnet), Items(items), masks, str(tmp_path))


@pytest.fixture(scope='module')
def tiny_bert_documents(tmp_path_factory):
    pytest.importorskip('transformers')
    from fixtures.tiny_bert import TINY_BERT, tiny_tokenizer

    from input_iba.datasets.text import TextClassificationDataset
    tok = tiny_tokenizer(str(tmp_path_factory.mktemp('tok')))
    records = [('long', 'the goods unfun movie is boring'.split(), 0, [0, 1, 1, 0, 0, 1]),
               ('short', 'a great film'.split(), 1, [0, 1, 0])]
    torch.manual_seed(0)
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT)).eval()
    data = TextClassificationDataset(records, tokenizer=tok)
    return model, Items([data[i] for i in range(len(data))])


@pytest.mark.parametrize('name', sorted(TEXT))
def test_text_metric_contract(name, tiny_bert_documents, tmp_path):
    model, dataset = tiny_bert_documents
    gen = torch.Generator().manual_seed(0)
    masks = [torch.rand(len(item['tokens']), generator=gen).numpy() for item in dataset.items]
    _check_run(_build(name, TEXT[name], model, TOKENS), dataset, masks, str(tmp_path))


def test_the_tools_read_what_a_metric_declares(tiny_convnet):
    from mmengine.config import Config

    from input_iba.apis.builders import build_evaluator
    images = Config(dict(pipeline=dict(mean=(0.5, ) * 3, std=(0.5, ) * 3)))
    rerun = build_evaluator(images, 'max_sensitivity', tiny_convnet, RERUN)
    assert type(rerun.attributor).__name__ == 'Saliency'  # the run's attributor
    with pytest.raises(KeyError, match='random_logit re-runs the attributor: give the config'):
        build_evaluator(images, 'random_logit', tiny_convnet)
    with pytest.raises(ValueError, match='eraser scores text masks only; this config '
                                         'explains image inputs'):
        build_evaluator(images, 'eraser', tiny_convnet)
    with pytest.raises(ValueError, match='road scores image masks only; this config '
                                         'explains text inputs'):
        build_evaluator(Config(dict(adapter=TOKENS)), 'road', tiny_convnet)

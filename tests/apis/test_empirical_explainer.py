import numpy as np
import torch

from input_iba.apis.explainer_training import explainer_loss, load_targets, train_explainer
from input_iba.datasets import TextClassificationDataset
from input_iba.models.attributors import EmpiricalExplainer, InputXGradient
from input_iba.registry import MODELS
from input_iba.utils import save_npy


def _docs(n=40):
    rng = np.random.default_rng(0)
    records = [(f'd{i}', [f't{v}' for v in rng.integers(0, 12, rng.integers(3, 9))],
                int(rng.integers(2)), None) for i in range(n)]
    return TextClassificationDataset(records)


def test_loss_ignores_padding_and_ranks():
    pred = torch.tensor([[1.0, 2.0, 50.0]])
    target = torch.tensor([[1.0, 0.0, 0.0]])
    pm = torch.tensor([[True, True, False]])
    assert explainer_loss(pred, target, pm).item() == 2.0  # (0 + 4) / 2
    # the pair (0, 1) is ranked the wrong way: softplus(1) for every draw of it
    ranked = explainer_loss(pred, target, pm, rank_weight=1.0,
                            generator=torch.Generator().manual_seed(0))
    assert ranked.item() > 2.0


def test_training_lowers_the_loss_and_the_explainer_reloads(tmp_path):
    torch.manual_seed(0)
    ds = _docs()
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=len(ds.vocab),
                              embedding_dim=8, hidden_dim=8, attention_dim=8))
    expensive = InputXGradient(model, adapter=dict(type='TokenEmbeddingAdapter'))
    for i in range(len(ds)):
        item = ds[i]
        res = expensive.attribute(item['inputs'][None], torch.tensor([item['target']]))
        save_npy(tmp_path / 'targets' / 'input_masks' / f"{item['name']}.npy",
                 res.input_masks[0].numpy())
    targets = load_targets(str(tmp_path / 'targets'), ds)
    cfg = dict(layer='encoder', feature_dim=16, adapter=dict(type='TokenEmbeddingAdapter'))
    explainer = EmpiricalExplainer(model, **cfg)
    result = train_explainer(explainer.net, ds, targets, str(tmp_path), epochs=15,
                             batch_size=8, lr=1e-2, patience=15)
    curve = [h['train_loss'] for h in result['history']]
    assert curve[-1] < 0.7 * curve[0]
    batch = ds.collate([ds[i] for i in result['val']])
    reloaded = EmpiricalExplainer(model, checkpoint=str(tmp_path / 'explainer.pth'), **cfg)
    explainer.net.load_state_dict(torch.load(tmp_path / 'explainer.pth', weights_only=True))
    explainer.net.eval()
    a = explainer.attribute(batch['inputs'], batch['targets'], padding_mask=batch['padding_mask'])
    b = reloaded.attribute(batch['inputs'], batch['targets'], padding_mask=batch['padding_mask'])
    assert torch.equal(a.input_masks, b.input_masks)
    assert (a.input_masks[~batch['padding_mask']] == 0).all()
    # the classifier itself is untouched by the explainer's training
    assert not any(p.requires_grad for p in model.parameters())


def test_image_decoder_head_shapes(tiny_convnet):
    att = EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='decoder',
                             hidden=4)
    out = att.attribute(torch.randn(2, 3, 16, 16), torch.tensor([0, 1]))
    assert out.input_masks.shape == (2, 16, 16)

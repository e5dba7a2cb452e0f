"""Baseline ("reference") inputs of the attribution methods that compare the
input with an uninformative one: a constant, or a kind the adapter knows
(``'black'``, ``'white'``, ``'mean'``, ``'blur'`` for images; ``'pad'`` for
text)."""
import torch


def single_baseline(adapter, baseline):
    """``baseline``, or where it is None the one-baseline default of the
    adapter's modality: the padding embedding for text, 0 (the normalised
    input's zero) for images."""
    if baseline is not None:
        return baseline
    return 'pad' if adapter.modality == 'text' else 0.0


def reference_input(adapter, model, x, baseline, blur_sigma=20.0):
    """``baseline`` as a tensor of ``x``'s shape: a number (a constant in the
    normalised input space), a kind of ``adapter.baseline_input`` or a
    tensor broadcastable to ``x``."""
    if isinstance(baseline, str):
        options = dict(blur_sigma=blur_sigma) if baseline == 'blur' else {}
        return adapter.baseline_input(model, x, baseline, **options).detach()
    if torch.is_tensor(baseline):
        return baseline.to(x).expand_as(x).clone()
    if isinstance(baseline, (int, float)):
        return torch.full_like(x, float(baseline))
    raise TypeError(f'baseline must be a number, a kind such as \'blur\' or a '
                    f'tensor, got {type(baseline).__name__}.')


def reference_inputs(adapter, model, x, baselines, blur_sigma=20.0):
    """Several baselines stacked: ``(B, n, *x.shape[1:])``."""
    if isinstance(baselines, (str, int, float)) or torch.is_tensor(baselines):
        baselines = (baselines, )
    return torch.stack([reference_input(adapter, model, x, b, blur_sigma)
                        for b in baselines], 1)

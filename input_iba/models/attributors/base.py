"""The one result type and the small base classes of all attributors."""
import inspect
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Dict, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from tqdm import tqdm

from input_iba.models.adapters import build_adapter
from input_iba.models.hooks import freeze, get_layer, model_device, run_until
from input_iba.registry import ESTIMATORS
from input_iba.utils import make_generators


@dataclass
class AttributionResult:
    """What every attributor returns for a batch of ``B`` samples.

    ``input_masks``: ``(B, *positions)`` (``H x W`` per image, ``L`` per text),
    on the CPU, float32. ``feat_masks``: the same shape, from the feature
    level, for methods that have one. ``extras``: other per-sample maps (e.g.
    the GAN's mask). ``meta``: per-sample numbers (e.g. final losses).
    """
    input_masks: torch.Tensor
    feat_masks: Optional[torch.Tensor] = None
    extras: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def __len__(self):
        return self.input_masks.shape[0]


@dataclass
class AttributionBatch:
    """What :meth:`BaseAttributor.attribute` hands to :meth:`~BaseAttributor.explain`,
    on the model's device: the raw ``inputs``, the continuous input ``x`` the
    masks act on (detached), ``targets``, ``padding_mask`` (None for images),
    one seed per sample and a ``torch.Generator`` seeded by each."""
    inputs: torch.Tensor
    x: torch.Tensor
    targets: torch.Tensor
    padding_mask: Optional[torch.Tensor]
    seeds: list
    generators: list

    def __len__(self):
        return self.x.shape[0]


def each_text_without_padding(batch, explain):
    """``explain(batch)`` for images; for text (a ``padding_mask``) once per
    sample cut to its real tokens, so that padding never enters the
    explanation and a text's result does not depend on its batch. The
    per-token maps go back into ``(B, L)`` (zero on padding); per-sample meta
    is concatenated."""
    pm = batch.padding_mask
    if pm is None:
        return explain(batch)
    parts = []
    for i, n in enumerate(pm.sum(1).tolist()):
        parts.append(explain(replace(
            batch, inputs=batch.inputs[i:i + 1, :n], x=batch.x[i:i + 1, :n],
            targets=batch.targets[i:i + 1], padding_mask=pm[i:i + 1, :n],
            seeds=batch.seeds[i:i + 1], generators=batch.generators[i:i + 1])))

    def join(maps):
        out = torch.zeros(len(parts), pm.shape[1])
        for i, m in enumerate(maps):
            out[i, :m.shape[1]] = m[0]
        return out

    first = parts[0]
    return AttributionResult(
        input_masks=join([p.input_masks for p in parts]),
        feat_masks=None if first.feat_masks is None else join([p.feat_masks for p in parts]),
        extras={k: join([p.extras[k] for p in parts]) for k in first.extras},
        meta={k: torch.cat([p.meta[k] for p in parts]) for k in first.meta})


def check_targets(logits, targets):
    """Raise a clear error for targets outside the model's classes."""
    num_classes = logits.shape[-1]
    bad = (targets < 0) | (targets >= num_classes)
    if bad.any():
        raise ValueError(
            f'Target(s) {targets[bad].tolist()} out of range for a model with '
            f'{num_classes} classes: fix the labels or set target=None to '
            'explain the predicted class.')


def check_finite_inputs(inputs):
    """Refuse a batch whose float inputs hold NaN or infinite values (their
    attribution would be NaN); token ids are not looked at."""
    if inputs.is_floating_point():
        bad = (~torch.isfinite(inputs.flatten(1))).any(1).nonzero()[:, 0].tolist()
        if bad:
            raise ValueError(f'Input sample(s) {bad} of the batch hold NaN or infinite '
                             'values: their attribution would be NaN. Fix or drop them.')


def check_inputs(inputs):
    """Refuse what is not a batch tensor, naming what to pass."""
    if not isinstance(inputs, torch.Tensor) or inputs.dim() < 2:
        raise TypeError(
            f'inputs must be a batch tensor (B, ...) as the dataset gives it, e.g. images '
            f'(B, 3, H, W), resized and normalised like the model\'s pipeline, or token ids '
            f'(B, L); got {type(inputs).__name__}'
            + (f' of shape {tuple(inputs.shape)}' if isinstance(inputs, torch.Tensor) else '')
            + '. Stack dataset items: torch.stack([dataset[i]["inputs"] for i in indices]), '
            'or turn uint8 (H, W, 3) photos into one: input_iba.apis.preprocess(images).')


def target_indices(targets, count, predict):
    """``targets`` as a LongTensor of one class per sample: None explains
    the predicted classes (``predict()``: the logits, run only then); an
    int, a list or an integer array are taken as classes; anything else, a
    wrong length or a negative class is refused."""
    if targets is None:
        return predict().argmax(-1)
    if isinstance(targets, int):
        targets = [targets] * count
    try:
        targets = torch.as_tensor(targets)
    except (TypeError, ValueError, RuntimeError) as err:
        raise TypeError(f'targets must be class indices (a LongTensor, a list of ints or '
                        f'None for the predicted classes), got {targets!r}.') from err
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f'targets must be integer class indices, got dtype {targets.dtype}; '
                        'pass a LongTensor, a list of ints or None (the predicted classes).')
    targets = targets.reshape(-1).long()
    if len(targets) != count:
        raise ValueError(f'{len(targets)} targets for a batch of {count} samples: give one '
                         'class per sample (or None for the predicted classes).')
    bad = (targets < 0).nonzero()[:, 0].tolist()
    if bad:
        raise ValueError(f'targets {targets[bad].tolist()} (samples {bad}) are negative: a '
                         'target is a class index from 0 (None explains the predicted classes).')
    return targets


def warn_non_finite(result):
    """Warn when the optimisation gave a sample a NaN or infinite mask."""
    masks = result.input_masks
    bad = (~torch.isfinite(masks.flatten(1))).any(1).nonzero()[:, 0].tolist()
    if bad:
        warnings.warn(f'The input masks of sample(s) {bad} of the batch hold NaN or '
                      'infinite values: lower the learning rate or beta, or check the '
                      'input.')


class BaseAttributor:
    """An attributor explains ``model``'s logit for ``targets`` on a batch.

    :meth:`attribute` is the template every method shares: it moves the batch
    to the model's device, sets one seed per sample (default ``0 .. B-1``)
    and a generator for each, embeds the inputs and calls :meth:`explain`,
    the one function a method implements. ``seeds`` make a sample's result
    independent of the batch it is in. (Overriding :meth:`attribute` itself
    still works, for methods that need none of this.)

    What a method can do is declared on its class, and the tools, the
    metrics and the tests read it from there (never from its name):
    :attr:`modalities`, :attr:`needs_statistics` and :meth:`prepare`.
    """

    #: the adapter modalities (``'image'``, ``'text'``) the method explains;
    #: an adapter of another modality is refused when the method is built
    modalities: ClassVar[Tuple[str, ...]] = ('image', 'text')
    #: whether :meth:`~LayerAttributor.estimate` must give it layer statistics
    #: before it attributes (see :class:`LayerAttributor`)
    needs_statistics: ClassVar[bool] = False
    #: old argument names -> the name that replaced them: given to a method
    #: that has the new one, they are refused with the new one named
    renamed_arguments: ClassVar[Dict[str, str]] = dict(
        batch_size='internal_batch_size', chunk_size='internal_batch_size',
        perturbations_per_eval='internal_batch_size')

    @classmethod
    def replacement(cls, argument: str) -> Optional[str]:
        """The argument of this method that replaced the old ``argument``
        (:attr:`renamed_arguments`), else None."""
        params = inspect.signature(cls.__init__).parameters
        new = cls.renamed_arguments.get(argument)
        return new if new in params and argument not in params else None

    def __new__(cls, *args: Any, **kwargs: Any) -> 'BaseAttributor':
        for old in kwargs:
            if cls.replacement(old):
                raise TypeError(f'{cls.__name__}: {old!r} is no longer read: set '
                                f'{cls.replacement(old)} (inputs per forward pass inside '
                                'one attribution).')
        return super().__new__(cls)

    def __init__(self, model, adapter=dict(type='ImageAdapter')):
        self.adapter = build_adapter(adapter)
        modality = getattr(self.adapter, 'modality', None)
        if modality is not None and modality not in self.modalities:
            wanted = ' or '.join(self.modalities)
            raise ValueError(
                f'{type(self).__name__} explains {wanted} inputs only; '
                f'{type(self.adapter).__name__} is not {"an" if wanted[0] in "aeiou" else "a"} '
                f'{wanted} adapter (its modality is {modality!r}): use a method for '
                f'{modality}, e.g. Saliency or IntegratedGradients.')
        self.model = self.adapter.prepare_model(freeze(model))

    def prepare(self, data: Any) -> None:
        """Learn what the method needs from a dataset before it attributes
        (the training documents in the ROAR study); ``data`` is a dataset
        of items ``dict(inputs=..., target=...)``. Nothing by default; a
        method that counts a corpus (e.g. mutual information) overrides it.
        Layer statistics are not learnt here: see :attr:`needs_statistics`."""

    @property
    def device(self):
        return model_device(self.model)

    def on_device(self, *tensors):
        """``tensors`` on the model's device (None stays None)."""
        return [None if t is None else t.to(self.device) for t in tensors]

    def attribute(self, inputs: torch.Tensor,
                  targets: Union[None, torch.Tensor, Sequence[int]] = None,
                  seeds: Optional[Sequence[int]] = None,
                  padding_mask: Optional[torch.Tensor] = None, **kwargs) -> AttributionResult:
        """An :class:`AttributionResult` for ``targets``: one class per
        sample (a LongTensor, a list of ints), or None for the predicted
        classes (see :func:`target_indices`); ``inputs`` is a batch tensor as
        the dataset gives it (normalised images, token ids). ``kwargs`` go to
        :meth:`explain` (e.g. MaRC's ``word_ids``)."""
        check_inputs(inputs)
        check_finite_inputs(inputs)
        inputs, padding_mask = self.on_device(inputs, padding_mask)
        targets = target_indices(targets, len(inputs),
                                 lambda: self.predict(inputs, padding_mask)).to(self.device)
        seeds = list(range(len(inputs))) if seeds is None else [int(s) for s in seeds]
        x = self.adapter.embed(self.model, inputs, padding_mask).detach()
        result = self.explain(AttributionBatch(inputs, x, targets, padding_mask, seeds,
                                               make_generators(seeds, self.device)),
                              **kwargs)
        warn_non_finite(result)
        return result

    def explain(self, batch: AttributionBatch) -> AttributionResult:
        """The method: an :class:`AttributionResult` for an
        :class:`AttributionBatch`."""
        raise NotImplementedError(f'{type(self).__name__} implements neither '
                                  'explain(batch) nor attribute(...).')

    def predict(self, inputs: torch.Tensor,
                padding_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits for raw ``inputs`` (no gradient)."""
        with torch.no_grad():
            x = self.adapter.embed(self.model, inputs, padding_mask)
            return self.adapter.forward(self.model, x, padding_mask)

    def class_loss(self, x, targets, padding_mask=None, copies=1, model=None):
        """Cross-entropy of the target per sample, averaged over ``copies``
        consecutive rows of ``x`` that belong to the same sample; ``model``
        (default: the classifier) maps ``x`` to the logits."""
        logits = self.adapter.forward(model or self.model, x,
                                      self.adapter.repeat(padding_mask, copies))
        ce = F.cross_entropy(logits, targets.repeat_interleave(copies),
                             reduction='none')
        return ce.view(-1, copies).mean(1)


class LayerAttributor(BaseAttributor):
    """An attributor that needs statistics of one hidden layer.

    Call :meth:`estimate` on an estimation set (or :meth:`set_estimator`)
    before :meth:`attribute`. The statistics come from the ``ESTIMATORS``
    config ``estimator_cfg`` (the streaming ``WelfordEstimator``).
    """

    needs_statistics = True
    #: the default ``ESTIMATORS`` config of :meth:`estimate`
    estimator_cfg = dict(type='WelfordEstimator')

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter'),
                 active_threshold=0.01, min_std=0.01):
        super().__init__(model, adapter)
        self.layer_name = layer
        self.layer = get_layer(self.model, layer)
        self.active_threshold = active_threshold
        self.min_std = min_std
        self.estimator = None

    def layer_output(self, x, padding_mask=None):
        """The hooked layer's output for continuous input ``x``; the forward
        pass stops there."""
        out = run_until(self.model, self.layer,
                        lambda: self.adapter.forward(self.model, x, padding_mask))
        return out.contiguous()

    @torch.no_grad()
    def estimate(self, batches, num_samples=1000, progress=True):
        """Estimate the layer's statistics from an iterable of
        ``dict(inputs=..., padding_mask=...)`` batches (``num_samples`` max);
        ``estimated_samples`` says how many it got."""
        est = ESTIMATORS.build(dict(self.estimator_cfg,
                                    active_threshold=self.active_threshold))
        bar = tqdm(total=num_samples, desc='estimation', disable=not progress)
        seen = 0
        for batch in batches:
            inputs = batch['inputs'][:num_samples - seen].to(self.device)
            pm = batch.get('padding_mask')
            pm = None if pm is None else pm[:inputs.shape[0]].to(self.device)
            x = self.adapter.embed(self.model, inputs, pm)
            r = self.layer_output(x, pm)
            est.update(self.adapter.feature_samples(r, pm))
            seen += inputs.shape[0]
            bar.update(inputs.shape[0])
            if seen >= num_samples:
                break
        bar.close()
        self.set_estimator(est)
        self.estimated_samples = seen
        return est

    def set_estimator(self, estimator):
        estimator.active_threshold = self.active_threshold
        self.estimator = estimator

    def statistics(self):
        """``(mean, std, active)`` on the model's device; std floored at
        ``min_std`` so that the noise never vanishes."""
        if self.estimator is None:
            raise RuntimeError(
                f'{type(self).__name__} needs statistics of layer '
                f'{self.layer_name!r}: call estimate(...) or set_estimator(...) '
                'first.')
        dev = self.device
        return (self.estimator.mean.to(dev),
                self.estimator.std.clamp_min(self.min_std).to(dev),
                self.estimator.active.to(dev))

"""Finding layers by name, reading them, replacing their output (or the
whole layer by a constant), stopping there; replacing modules in a copy of a
model."""
import copy
import difflib
from contextlib import contextmanager

import torch
import torch.fx
import torch.nn as nn


class _StopForward(Exception):
    """Raised by a hook to end a forward pass at a layer."""


def set_module(model, name, module):
    """Put ``module`` at the dotted ``name`` inside ``model``."""
    parent, _, child = name.rpartition('.')
    setattr(model.get_submodule(parent) if parent else model, child, module)


def replace_modules(model, replacement):
    """A copy of ``model`` in which every sub-module ``m`` with
    ``replacement(m)`` not None is replaced by it (under each name it has;
    meant for leaf modules such as activations); ``model`` itself, uncopied,
    when there is none."""
    new = {name: replacement(m) for name, m in model.named_modules(remove_duplicate=False)
           if name}
    new = {name: m for name, m in new.items() if m is not None}
    if not new:
        return model
    model = copy.deepcopy(model)
    for name, module in new.items():
        set_module(model, name, module)
    return model


def get_layer(model, name):
    """Return ``model``'s sub-module ``name``; the error lists close names."""
    modules = dict(model.named_modules())
    if name in modules:
        return modules[name]
    close = difflib.get_close_matches(name, list(modules), n=8, cutoff=0.5)
    hint = f' Close names: {close}.' if close else ''
    raise KeyError(
        f'Layer {name!r} does not exist in {type(model).__name__}.{hint} '
        'List all with [n for n, _ in model.named_modules()].')


def _first_tensor(output):
    return output[0] if isinstance(output, (tuple, list)) else output


@contextmanager
def replace_output(layer, fn):
    """Within the block, ``layer``'s output ``R`` becomes ``fn(R)``.

    For layers returning tuples (e.g. an LSTM) only the first element is
    replaced. The hook is always removed on exit.
    """

    def hook(module, inputs, output):
        if isinstance(output, tuple):
            return (fn(output[0]), ) + tuple(output[1:])
        return fn(output)

    handle = layer.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


def _output_at(model, layer, run):
    """``layer``'s raw output in the forward pass ``run()``, which stops
    there."""
    captured = {}

    def hook(module, inputs, output):
        captured['out'] = output
        raise _StopForward

    handle = layer.register_forward_hook(hook)
    try:
        run()
    except _StopForward:
        pass
    finally:
        handle.remove()
    if 'out' not in captured:
        raise RuntimeError(
            f'The layer {type(layer).__name__} was never called in the forward '
            'pass: choose a layer that the model uses.')
    return captured['out']


def run_until(model, layer, run):
    """Call ``run()`` (a forward pass of ``model``) but stop after ``layer``;
    return ``layer``'s output. Nothing after the layer is computed."""
    return _first_tensor(_output_at(model, layer, run))


@contextmanager
def record_outputs(model, names):
    """Within the block, the outputs of ``model``'s layers ``names`` are put
    into the yielded dict under their names as the forward passes run (the
    first tensor of a tuple output)."""
    outputs = {}
    handles = [get_layer(model, name).register_forward_hook(
        lambda module, inputs, output, name=name: outputs.__setitem__(
            name, _first_tensor(output))) for name in names]
    try:
        yield outputs
    finally:
        for handle in handles:
            handle.remove()


def returns_tensor(model, layer, run):
    """Whether ``layer`` returns a single tensor (not a tuple) in the forward
    pass ``run()``: the condition of :func:`bypass`."""
    with torch.no_grad():
        return isinstance(_output_at(model, layer, run), torch.Tensor)


@contextmanager
def bypass(layer, output):
    """Within the block, calling ``layer`` returns the tensor ``output``
    without running the layer (its hooks still run): :func:`replace_output`
    with a constant, minus the layer's cost. Only for a layer that returns a
    single tensor (:func:`returns_tensor`); the layer's ``forward`` is
    restored on exit."""
    own = layer.__dict__.get('forward')
    layer.forward = lambda *args, **kwargs: output
    try:
        yield
    finally:
        if own is None:
            del layer.forward
        else:
            layer.forward = own


def freeze(model: nn.Module):
    """Eval mode (no dropout, fixed batch-norm) and no parameter gradients."""
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def model_device(model):
    """The device of ``model``'s first parameter (CPU for parameter-free models)."""
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device('cpu')


class LeafTracer(torch.fx.Tracer):
    """A ``torch.fx`` tracer that also keeps every module for which
    ``is_leaf(module, qualname)`` is true, or that sets
    ``traced_as_one_call`` (a module with a custom backward), as one call."""

    def __init__(self, is_leaf):
        super().__init__()
        self.is_leaf = is_leaf

    def is_leaf_module(self, module, qualname):
        return (self.is_leaf(module, qualname)
                or getattr(module, 'traced_as_one_call', False)
                or super().is_leaf_module(module, qualname))


def network_after(model, layer_name):
    """The part of ``model`` after ``layer_name`` as a module that maps the
    layer's output to the logits, or None when there is no such part: the
    model cannot be traced by ``torch.fx``, calls the layer more than once,
    or uses after it anything computed before it (e.g. the skip connection
    of a residual block around the layer). The module shares the model's
    parameters."""
    try:
        graph = LeafTracer(lambda _, name: name == layer_name).trace(model)
    except Exception:  # noqa: BLE001 - models fail to trace in many ways
        return None
    nodes = list(graph.nodes)
    cuts = [i for i, n in enumerate(nodes)
            if n.op == 'call_module' and n.target == layer_name]
    if len(cuts) != 1:
        return None
    before = set(nodes[:cuts[0]])
    suffix = torch.fx.Graph()
    env = {nodes[cuts[0]]: suffix.placeholder('features')}
    for node in nodes[cuts[0] + 1:]:
        for arg in node.all_input_nodes:
            if arg in before and arg.op != 'get_attr':
                return None
            if arg not in env:  # a parameter or buffer read before the layer
                env[arg] = suffix.node_copy(arg)
        env[node] = suffix.node_copy(node, lambda arg: env[arg])
    return torch.fx.GraphModule(model, suffix)

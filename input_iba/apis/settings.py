"""Settings that every tool resolves the same way, in one place: how many
samples are attributed together (the batch-size policy, docs/config.md)."""
from typing import Mapping, Optional

#: samples attributed together when the config sets none: on a GPU a batch
#: fills the device; on a CPU one sample with its noise copies already keeps
#: the cores busy, and larger batches measured slower per image and use far
#: more memory (benchmarks/speed/input_iba_throughput.py)
DEFAULT_BATCH_SIZE = dict(cuda=8, cpu=1)


def attribution_batch_size(cfg: Mapping, device: str, method: Optional[str] = None) -> int:
    """Samples per call of the attributor, for every tool: the config's
    ``attribution.batch_size`` (``--batch-size`` is folded into it), an int,
    or in a compare config a dict ``{method: N}`` that sets some of its
    ``methods``; else :data:`DEFAULT_BATCH_SIZE` of ``device``. Results do
    not depend on it (a sample's seed is its own), only speed and memory."""
    size = (cfg.get('attribution') or {}).get('batch_size')
    if isinstance(size, Mapping):
        size = size.get(method)
    if size is not None:
        return size
    return DEFAULT_BATCH_SIZE['cuda' if str(device).startswith('cuda') else 'cpu']

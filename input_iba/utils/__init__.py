from .io import (
    append_jsonl,
    atomic_path,
    load_mask,
    load_weights,
    read_json,
    read_jsonl,
    read_text,
    save_json,
    save_npy,
    save_text,
)
from .paths import default_data_root, require_dir
from .seeding import (
    make_generators,
    rand_per_sample,
    randn_per_sample,
    randn_positions_per_sample,
    sample_seed,
    set_global_seed,
)

__all__ = [
    'append_jsonl', 'atomic_path', 'load_mask', 'load_weights', 'read_json', 'read_jsonl',
    'read_text', 'save_json', 'save_npy', 'save_text',
    'default_data_root', 'require_dir', 'make_generators', 'rand_per_sample',
    'randn_per_sample', 'randn_positions_per_sample', 'sample_seed', 'set_global_seed'
]

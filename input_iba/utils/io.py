"""Atomic writers: a file either exists complete or not at all."""
import errno
import json
import os
import pickle
import re
import tempfile
from contextlib import contextmanager

import numpy as np
import torch

#: the prefix of this package's own temporary files (the only ones a run removes)
TMP_PREFIX = '.input_iba-tmp-'
#: the errors of a write to a full disk (or a full quota)
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on
    success. Its name starts with :data:`TMP_PREFIX` and the writer's pid
    (see :func:`writer_is_alive`). A full disk raises an ``OSError`` that
    says so and names ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f'{TMP_PREFIX}{os.getpid()}-',
                                   suffix=os.path.splitext(path)[1])
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp's 0600 -> what open() would give
        yield tmp
        os.replace(tmp, path)
    except OSError as err:
        if err.errno not in DISK_FULL:
            raise
        raise OSError(err.errno, f'The disk is full: {path} could not be written. Free '
                      f'space on the disk of {directory} (or use a --work-dir on another '
                      'disk) and rerun the same command: finished samples are kept.') from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.remove(tmp)


def writer_is_alive(name):
    """Whether the process that is writing the temporary file ``name`` (of
    :func:`atomic_path`, on this machine) still runs; False for temporaries
    without a pid."""
    pid = name[len(TMP_PREFIX):].partition('-')[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def load_weights(path, missing, map_location='cpu'):
    """``torch.load(path, weights_only=True)``; a missing file raises
    ``FileNotFoundError(missing)`` (say how to make it), a file that is not a
    plain state dict or not a readable checkpoint a ``ValueError`` that names
    it and the fix."""
    if not os.path.isfile(path):
        raise FileNotFoundError(missing)
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        found = re.search(r'Unsupported global: GLOBAL (\S+)', str(err))
        if found is None:  # torch's advice (weights_only=False) would run its code
            raise unreadable_checkpoint(path, 'not a pickle of tensors') from None
        convert = (f"import torch; m = torch.load('{path}', weights_only=False); "
                   "torch.save(m.state_dict() if hasattr(m, 'state_dict') else m, "
                   f"'{path}.state_dict.pth')")
        raise ValueError(
            f'{path} is not a plain state dict: it holds Python objects ({found.group(1)}) '
            'that loading would run code for, so it is refused. If you trust where it comes '
            f'from, convert it once: python -c "{convert}" and point the config at the new '
            'file (a checkpoint that wraps the model in a dict: save its state dict instead).'
        ) from None
    except (RuntimeError, EOFError, OSError) as err:
        raise unreadable_checkpoint(path, str(err).split('. ')[0] or 'empty') from None


def unreadable_checkpoint(path, detail):
    return ValueError(f'{path} is not a readable checkpoint ({detail}); it may be truncated '
                      'or not a checkpoint at all: copy it again or retrain.')


def load_mask(path: str) -> np.ndarray:
    """The mask saved at ``path``. A file that is not a readable ``.npy``,
    or holds NaN or infinite values, raises a ``ValueError`` naming it."""
    try:
        mask = np.load(path)
    except (ValueError, OSError, EOFError) as err:
        raise ValueError(f'{path} is not a readable mask ({err}): delete it and rerun '
                         'the attribution to redo that sample.') from None
    if not np.isfinite(mask).all():
        raise ValueError(f'{path} holds NaN or infinite values: delete it and rerun the '
                         'attribution to redo that sample.')
    return mask


def save_npy(path, array):
    """Save ``array`` as float32 ``.npy`` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, 'wb') as f:
            np.save(f, np.asarray(array, dtype=np.float32))


def finite_json(obj):
    """``obj`` with every non-finite float replaced by None (strict JSON has
    no NaN or Infinity)."""
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_json(v) for v in obj]
    return obj


def save_json(path, obj):
    """Strict JSON (non-finite floats written as null), atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, 'w') as f:
            json.dump(finite_json(obj), f, indent=2, sort_keys=True, allow_nan=False)


def read_json(path: str, what: str) -> object:
    """The JSON of ``path``; a file that is not JSON raises a ``ValueError``
    that names it and says what it is (``what``)."""
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path} is not valid JSON ({err}); it is {what}.') from None


def read_text(path: str) -> str:
    """The UTF-8 text of ``path``; a file that is not UTF-8 text raises a
    ``ValueError`` that names it."""
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except UnicodeDecodeError as err:
        raise ValueError(f'{path} is not text (not UTF-8 at byte {err.start}): a binary or '
                         'damaged file where a text file belongs.') from None


def read_jsonl(path: str) -> list:
    """The JSON records of ``path``, one a line (blank lines skipped); a
    line that is not JSON raises a ``ValueError`` naming the file and line."""
    rows = []
    for number, line in enumerate(read_text(path).split('\n'), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}, line {number}: not JSON ({err.msg}).') from None
    return rows


def save_text(path, text):
    with atomic_path(path) as tmp:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)


def append_jsonl(path, record):
    """Append one JSON record as a line (used for logs of skipped samples)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'a', encoding='utf-8') as f:
        f.write(json.dumps(record, sort_keys=True) + '\n')

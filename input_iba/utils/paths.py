"""Where the shared real data lives."""
import os
import os.path as osp

DATA_ROOT_ENV = 'INPUT_IBA_DATA_ROOT'


def default_data_root():
    """``$INPUT_IBA_DATA_ROOT``, else ``../shared/data`` beside the checkout."""
    if os.environ.get(DATA_ROOT_ENV):
        return os.environ[DATA_ROOT_ENV]
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    return osp.normpath(osp.join(repo, '..', 'shared', 'data'))


def require_dir(path, what):
    """Raise a clear error when a data folder is missing."""
    if not osp.isdir(path):
        raise FileNotFoundError(
            f'{what} not found at {path!r}. Point the config at it '
            f"(e.g. --cfg-options data_root=/path/to/data) or set "
            f'${DATA_ROOT_ENV}.')
    return path

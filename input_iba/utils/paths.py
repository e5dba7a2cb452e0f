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
    """Raise a clear error when a data folder is missing: it says to set the
    dataset's ``root`` (a top-level helper name of a config file changes
    nothing from the command line: it was substituted when the file was read)."""
    if not osp.isdir(path):
        raise FileNotFoundError(
            f"{what} not found at {path!r}. Set the dataset's root in the config (e.g. "
            '--cfg-options data.attribute.root=/path/to/data, and data.estimate.root '
            f'where the config has one) or, for the shared data sets, ${DATA_ROOT_ENV}.')
    return path


#: the prefix of a path inside the shared data root (e.g. a fixed checkpoint)
DATA_PREFIX = 'data:'


def resolve_data_path(path):
    """``'data:<relative path>'`` -> that path under :func:`default_data_root`
    (so that configs can name a file of the shared data wherever it lies);
    any other path as it is."""
    if isinstance(path, str) and path.startswith(DATA_PREFIX):
        return osp.join(default_data_root(), path[len(DATA_PREFIX):])
    return path

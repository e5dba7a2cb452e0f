import pytest

from .helpers import make_image_run


@pytest.fixture
def image_run(tmp_path, monkeypatch):
    return make_image_run(tmp_path, monkeypatch)

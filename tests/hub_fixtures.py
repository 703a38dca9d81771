"""The ``fake_hub`` fixture: a fake Hugging Face Hub on 127.0.0.1, with huggingface_hub pointed at it.

Request it after ``project`` (``def test_x(project, fake_hub)``): ``project`` turns HF offline, this turns it
back on, for the fake Hub only. huggingface_hub reads its settings once, at import, so besides the environment
(for subprocesses such as the CLI) the fixture patches ``huggingface_hub.constants`` and ``datasets.config``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakehub import FakeHub

FAKE_TOKEN = "fake"


@pytest.fixture
def fake_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A running FakeHub (``.url``, ``.repo(id)``, ``.files_at(id, rev)``, ``.requests``); token 'fake'."""
    from huggingface_hub import constants
    from huggingface_hub.utils import close_session

    hub = FakeHub(tmp_path / "fake-hub", tokens={FAKE_TOKEN}).start()
    hf_home = tmp_path / "hf-home"
    env = {
        "HF_ENDPOINT": hub.url,
        "HF_HUB_DISABLE_XET": "1",
        "HF_TOKEN": FAKE_TOKEN,
        "HF_HOME": str(hf_home),  # no stored token or cache of the machine leaks in
        "HF_HUB_CACHE": str(hf_home / "hub"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HUGGING_FACE_HUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    patches = {
        "ENDPOINT": hub.url,
        "HUGGINGFACE_CO_URL_TEMPLATE": hub.url + "/{repo_id}/resolve/{revision}/{filename}",
        "HF_HUB_OFFLINE": False,
        "HF_HUB_DISABLE_XET": True,  # the fake speaks regular + LFS uploads, not the Xet protocol
        "HF_HUB_CACHE": str(hf_home / "hub"),
        "HF_TOKEN_PATH": str(hf_home / "token"),
        "HF_STORED_TOKENS_PATH": str(hf_home / "stored_tokens"),
        "HF_HUB_DISABLE_TELEMETRY": True,
    }
    for name, value in patches.items():
        monkeypatch.setattr(constants, name, value)
    with contextlib.suppress(ImportError):
        import datasets.config

        monkeypatch.setattr(datasets.config, "HF_ENDPOINT", hub.url)
        monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    close_session()  # drop kept-alive connections to an earlier fake Hub
    try:
        yield hub
    finally:
        close_session()
        hub.stop()

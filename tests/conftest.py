"""Shared fixtures: the trained model (cached by data hash) and a running stack."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.model import ensure_model
from bot.rasa_client import RasaClient
from bot.stack import Stack


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The real Rasa model of the project; trained only when its inputs changed."""
    return ensure_model()


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server and Rasa server running on free ports with the real model."""
    running = Stack.isolated(tmp_path_factory.mktemp("var"), trained_model).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def rasa(stack: Stack) -> Iterator[RasaClient]:
    with RasaClient(stack.rasa_url) as client:
        yield client

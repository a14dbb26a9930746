"""The Rasa launcher hands the JWT secret to Rasa's own argument parser intact, whatever it starts with."""

from __future__ import annotations

import sys

import pytest
import rasa.__main__

from rasa_server import __main__ as launcher


@pytest.mark.parametrize("secret", ["-starts-with-a-dash-0123456789", "plain_secret_0123456789"])
def test_the_jwt_secret_reaches_rasa_whatever_it_starts_with(monkeypatch, secret: str) -> None:
    seen = {}

    def fake_main() -> None:
        seen.update(vars(rasa.__main__.create_argument_parser().parse_args(sys.argv[1:])))

    monkeypatch.setenv("RASA_JWT_SECRET", secret)
    monkeypatch.setattr(sys, "argv", ["rasa_server", "run", "--enable-api"])
    monkeypatch.setattr(rasa.__main__, "main", fake_main)
    launcher.main()
    assert seen["jwt_secret"] == secret and seen["jwt_method"] == "HS256"

"""A push of several messages counts as sent once any part went out: never resent in full."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.base import Channel
from bot.channels.render import Piece
from ocop.outbox import RetryLater
from ocop.storage.db import Database


class Flaky(Channel):
    """Sends pieces until piece number ``fail_at``, which raises."""

    name, buttons, max_length = "flaky", False, 50

    def __init__(self, db: Database, fail_at: int) -> None:
        super().__init__(db)
        self.fail_at, self.sent = fail_at, []  # type: int, List[str]

    async def start(self, receive: bool = True) -> None: ...

    async def stop(self) -> None: ...

    async def send_piece(self, user_id: str, piece: Piece) -> None:
        if len(self.sent) == self.fail_at:
            raise RetryLater(5)
        self.sent.append(piece.text)


LONG = [{"text": "Nhắc hạn chứng nhận OCOP. " * 6}]  # three pieces of at most 50 characters


def test_a_failure_after_the_first_piece_is_not_raised(db: Database) -> None:
    channel = Flaky(db, fail_at=1)
    asyncio.run(channel.push("u1", LONG))
    assert len(channel.sent) == 1  # counted as sent: the outbox will not send it again


def test_a_failure_of_the_first_piece_is_raised(db: Database) -> None:
    with pytest.raises(RetryLater):
        asyncio.run(Flaky(db, fail_at=0).push("u1", LONG))

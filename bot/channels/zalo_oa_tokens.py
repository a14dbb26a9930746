"""The Zalo Official Account's token pair in the database, replaced by compare-and-swap.

Zalo gives a new refresh token with every access token and the old one stops
working, so two processes refreshing at once must not overwrite each other:
``swap`` stores the new pair only if the refresh token used is still the
stored one. Synchronous (database work): the channel runs it in a thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select, update

from ocop.storage.db import Database
from ocop.storage.models import OaToken

ROW = 1  # one Official Account per installation


@dataclass(frozen=True)
class TokenPair:
    access_token: Optional[str]
    refresh_token: str


class OaTokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    def seed(self, first_refresh_token: Optional[str]) -> None:
        """Store the configured first refresh token unless a pair is stored already."""
        if not first_refresh_token:
            return
        with self.db.session() as session:
            if session.execute(select(OaToken.id)).first() is None:
                session.add(OaToken(id=ROW, refresh_token=first_refresh_token))

    def current(self) -> TokenPair:
        with self.db.session() as session:
            row = session.execute(select(OaToken).where(OaToken.id == ROW)).scalar_one()
            return TokenPair(row.access_token, row.refresh_token)

    def swap(self, used_refresh_token: str, access_token: str, refresh_token: str, expires_at: dt.datetime) -> bool:
        """Store the new pair if ``used_refresh_token`` is still the stored one; whether it was."""
        with self.db.session() as session:
            return bool(session.execute(
                update(OaToken).where(OaToken.id == ROW, OaToken.refresh_token == used_refresh_token)
                .values(access_token=access_token, refresh_token=refresh_token, expires_at=expires_at)
            ).rowcount)

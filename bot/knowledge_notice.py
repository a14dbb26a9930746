"""The monthly knowledge review sent to the officers: answers due for a check or following a superseded decision.

``ocop.knowledge_review`` finds them (the same list ``ocop kb check`` prints);
this sends it to every officer on the allow-list (``ocop officers``), on the
channel each uses, through the channels' push. Nothing is sent when nothing
needs attention.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from bot.rasa_client import Messages
from ocop import knowledge, knowledge_review
from ocop.settings import Settings
from ocop.storage import officers
from ocop.storage.db import Database
from ocop.vietnam_time import local_now

logger = logging.getLogger(__name__)

Push = Callable[[str, str, Messages], Awaitable[None]]  # channel, user id, messages


class KnowledgeNotice:
    """``await notice()``: the review to every officer; the number of officers reached."""

    def __init__(self, db: Database, settings: Settings, push: Push) -> None:
        self.db = db
        self.settings = settings
        self.push = push

    def findings(self) -> list:
        directory = self.settings.knowledge_dir
        return knowledge_review.review(knowledge.load(str(directory)), knowledge_review.superseded_decisions(directory),
                                       local_now().date(), self.settings.kb_max_age_months)

    async def __call__(self) -> int:
        findings = await asyncio.to_thread(self.findings)
        if not findings:
            return 0
        text = knowledge_review.report(findings, self.settings.kb_max_age_months)
        reached = 0
        for channel, user_id, *_ in await asyncio.to_thread(officers.listing, self.db):
            if channel == officers.CONSOLE_ONLY:
                continue
            try:
                await self.push(channel, user_id, [{"text": text}])
                reached += 1
            except Exception as error:  # the next officer still gets it; next month it comes again
                logger.warning("Knowledge review not delivered to an officer: %s", type(error).__name__)
        logger.info("Knowledge review: %d answer(s) to check, sent to %d officer(s)", len(findings), reached)
        return reached

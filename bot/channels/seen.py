"""Updates a channel has already handled: a platform may deliver one twice, it is answered once."""

from __future__ import annotations

import collections
from typing import Deque, Hashable, Set

REMEMBERED = 10_000


class SeenIds:
    """The last ``size`` update or message ids, bounded."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._ids: Set[Hashable] = set()
        self._order: Deque[Hashable] = collections.deque()

    def first_time(self, key: Hashable) -> bool:
        """True the first time ``key`` is seen (and remembers it), False after."""
        if key in self._ids:
            return False
        self._ids.add(key)
        self._order.append(key)
        if len(self._order) > self._size:
            self._ids.discard(self._order.popleft())
        return True

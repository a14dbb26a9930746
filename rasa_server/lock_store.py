"""Rasa's Redis lock store with every change of a lock made atomically, so several Rasa servers can share it.

Rasa's ``RedisLockStore`` changes a conversation's ticket lock by reading it,
changing it in Python and writing it back. Inside one Rasa process that is
safe (one event loop), but two servers that take a ticket for the same
conversation at the same moment both read the same lock, and the second write
drops the first ticket: both servers then handle the conversation at once and
store each other's events twice (rasa#9213; Rasa Open Source has no fix).

``AtomicRedisLockStore`` keeps Rasa's lock format and waiting loop and runs each
read-change-write inside a Redis transaction on the lock's key (``WATCH`` /
``MULTI``): when another server changed the lock in between, the change is
retried on the new value. Configured in the endpoints ``bot/stack.py`` writes::

    lock_store:
      type: rasa_server.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 0
      key_prefix: ocop
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket changes are Redis transactions."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], Any]) -> Any:
        """Apply ``change`` to the conversation's lock (a new one when there is none) and store the result,
        atomically; returns what ``change`` returns. A lock left without tickets is deleted."""
        key = self.key_prefix + conversation_id
        outcome: list = []

        def transaction(pipe: Any) -> None:  # run again by redis-py when the key changed meanwhile
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else self.create_lock(conversation_id)
            outcome[:] = [change(lock)]
            pipe.multi()
            if lock.is_someone_waiting():
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, TicketLock.remove_expired_tickets)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket; the lock goes with its last ticket (one transaction, not Rasa's two steps)."""
        self.finish_serving(conversation_id, ticket_number)

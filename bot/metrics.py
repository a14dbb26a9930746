"""What the bot process counts, for Prometheus: messages, Rasa's answer time, deliveries, 429s, leadership.

The counters and the histogram live in prometheus-client's default registry
and are updated where things happen (the bridge, the channels, the sender).
``DeliveryCollector`` reads the outbox tables when ``/metrics`` is scraped:
delivery rows by kind and status, and the outbox depth (rows waiting to be
sent or retried). ``bot/health.py`` serves them.
"""

from __future__ import annotations

import logging
from typing import Dict, Iterator, Tuple

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ocop import announcements, reminders
from ocop.outbox import DUE, Outbox
from ocop.storage.db import Database

logger = logging.getLogger(__name__)

MESSAGES_IN = Counter("ocop_messages_in", "Messages received from users", ["channel"])
MESSAGES_OUT = Counter("ocop_messages_out", "Platform messages sent to users (replies and pushes)", ["channel"])
RASA_SECONDS = Histogram("ocop_rasa_roundtrip_seconds", "Time Rasa took to answer one user message",
                         buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
RATE_LIMITED = Counter("ocop_rate_limited", "Flood-limit answers (429) from a platform", ["channel"])
LEADER = Gauge("ocop_scheduler_leader", "1 while this process runs the scheduler and the senders")


class DeliveryCollector(Collector):
    """Delivery rows by status and the outbox depth, read from the database at each scrape."""

    def __init__(self, db: Database) -> None:
        self.outboxes: Dict[str, Outbox] = {"reminder": reminders.outbox(db), "announcement": announcements.outbox(db)}

    @staticmethod
    def _families() -> Tuple[GaugeMetricFamily, GaugeMetricFamily]:
        return (GaugeMetricFamily("ocop_deliveries", "Delivery rows by kind and status", labels=["kind", "status"]),
                GaugeMetricFamily("ocop_outbox_depth", "Delivery rows waiting to be sent or retried", labels=["kind"]))

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The names, without reading the database (prometheus-client asks when registering)."""
        yield from self._families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rows, depth = self._families()
        for kind, box in self.outboxes.items():
            try:
                counts = box.counts()
            except Exception:  # the database is down: /healthz says so; the other metrics still go out
                logger.exception("Metrics: the %s outbox could not be read", kind)
                continue
            for status, number in sorted(counts.items()):
                rows.add_metric([kind, status], number)
            depth.add_metric([kind], sum(counts.get(status, 0) for status in DUE))
        yield rows
        yield depth

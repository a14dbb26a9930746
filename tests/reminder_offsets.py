"""The reminder schedule the delivery tests were written for.

The product's default follows the filing window of QĐ 26/2026/QĐ-TTg
(``ocop/settings.py``); these tests exercise the delivery mechanics and name
their own schedule.
"""

OFFSETS = (90, 60, 30, 7, 0)

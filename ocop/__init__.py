"""The core of OCOP Assistant, shared by every process (bot, action server, NLU, officers' CLI).

Settings, storage and migrations, the outbox, the domain rules (audiences,
reminders, certificate import, choices, addresses) and reports. It imports
nothing from ``bot``, ``actions`` or ``nlu``.
"""

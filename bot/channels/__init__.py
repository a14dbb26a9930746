"""The chat channels of the bot process (see ``docs/channels.md``).

* ``base``: the channel contract (``Channel``: name, capabilities, start,
  stop, send, push);
* ``bridge``: text → Rasa → replies, shared by every channel (with
  ``consent`` and the officers' commands);
* ``render``: Rasa's buttons by capability, and splitting long texts;
* ``webhook``: the webhook server and secret shared by the channels;
* ``registry``: the enabled channels, built from ``Settings``;
* one module per platform: ``telegram``, ``zalo_bot``, ``zalo_oa``.
"""

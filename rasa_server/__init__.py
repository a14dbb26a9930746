"""What the Rasa server process runs besides Rasa: its launcher and our input channels (``credentials.yml``).

Who a message is from is decided here:

* ``rasa_server.bot_channel.BotInput`` (``/webhooks/ocop_bot/webhook``): the bot
  process's own channel. A request must carry the shared secret; the platform
  (telegram, zalo, zalooa) and the chat id come from its body, which only the
  bot process — after the platform authenticated the message — can send.
* ``rasa_server.rest_channel.LoopbackRestInput`` (``/webhooks/rest/webhook``): Rasa's
  REST channel for ``make chat``, integrations and evaluations. Its callers are
  REST identities only: the conversation id is always ``rest:<sender>``, so a
  sender named ``telegram:123`` is ``rest:telegram:123``, never Telegram chat 123.

Both validate the JSON body (400 for anything malformed), remove control
characters, and read at most 2,000 characters of a message, saying so politely.
"""

"""Start ``rasa run`` with its secrets taken from the environment, never from the command line.

``python -m rasa_server run --enable-api …`` is ``rasa run --enable-api …``
plus ``--jwt-secret $RASA_JWT_SECRET --jwt-method HS256``: the HTTP API then
refuses every call without a JWT signed with that secret (the bot process and
the tests sign theirs, ``bot/rasa_client.py``). Arguments added here live only
in this process's memory, so ``ps`` and ``/proc/<pid>/cmdline`` never show the
secret.
"""

from __future__ import annotations

import os
import sys

JWT_METHOD = "HS256"


def main() -> None:
    secret = os.environ.get("RASA_JWT_SECRET", "")
    if len(secret) < 16:
        raise SystemExit("RASA_JWT_SECRET must be set (16 characters or more): Rasa's HTTP API needs it")
    # "--jwt-secret=…" in one piece: a generated secret may start with "-", which argparse would take for an option
    sys.argv = ["rasa", *sys.argv[1:], f"--jwt-secret={secret}", "--jwt-method", JWT_METHOD]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()

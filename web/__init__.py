"""The officers' web console: targets per commune, the pre-registration queue and the registry.

A Starlette application with Jinja2 templates (``web.app.create_app``),
served by uvicorn on 127.0.0.1:8080 (``python -m web``, started by ``make run``).
It reads and writes through ``ocop`` only, like the CLI; it never imports the
bot process or the actions.
"""

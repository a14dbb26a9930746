"""Fake platform APIs for tests and benchmarks (Telegram, Zalo Bot, Zalo OA), and valid test data.

Each fake is a small aiohttp server on 127.0.0.1 (``local_server.LocalServer``)
that a channel talks to instead of the real platform. Nothing in production
imports this package.
"""

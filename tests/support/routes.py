"""GET requests through the dashboard's own routes (the thumbnails and atlases), in process:
no server, the same Starlette routing `aeviz app` mounts."""
from __future__ import annotations

import asyncio

from starlette.applications import Starlette

from aeviz.dashboard import thumbnails

APP = Starlette(routes=thumbnails.ROUTES)


def get(path: str) -> tuple[int, dict, bytes]:
    """One GET through the routes: (status, headers, body)."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode("utf-8", "surrogateescape"),
             "query_string": b"", "root_path": "", "headers": [], "http_version": "1.1", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1)}
    asyncio.run(APP(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body

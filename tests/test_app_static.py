"""The big files the browser fetches from the dashboard's static route are compressed once,
when vendored (a .gz beside each, committed), and sent as they are with Content-Encoding:
gzip, never compressed again per request (aeviz.dashboard.precompressed)."""
from __future__ import annotations

import asyncio
import gzip
import urllib.request

import pytest
from support.server import running

from aeviz.dashboard import precompressed

MODULE = "ort/ort.wasm.bundle.min.mjs"


def test_each_fetched_static_file_ships_its_gzip_which_decodes_to_it():
    found = precompressed.originals()
    assert {p.name for p in found} >= {"ort-wasm-simd-threaded.wasm", "ort.wasm.bundle.min.mjs",
                                       "regl-scatterplot.min.mjs"}
    for p in found:
        packed = p.with_name(p.name + ".gz")
        assert packed.is_file(), f"{packed.name} is missing: python -m aeviz.dashboard.precompressed"
        data = packed.read_bytes()
        assert gzip.decompress(data) == p.read_bytes(), f"{packed.name} is stale: run that again"
        assert data == precompressed.compressed(p.read_bytes()), "the same file gives the same bytes"
        assert len(data) < 0.5 * p.stat().st_size


def serve(path: str, headers: dict[str, str], method: str = "GET") -> tuple[int | None, dict, bytes, bool]:
    """One request through the middleware, around an app that only says it was reached:
    (status, headers, body, whether the request went on to Streamlit)."""
    reached = []

    async def streamlit(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent, asked = [], []

    async def receive():  # the request's (empty) body, then nothing until the response ends
        if asked:
            await asyncio.Event().wait()
        asked.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(precompressed.Middleware(streamlit)(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body, bool(reached)


def test_the_gzip_is_sent_as_it_is_to_a_browser_that_accepts_it():
    packed = (precompressed.STATIC / (MODULE + ".gz")).read_bytes()
    status, headers, body, reached = serve(f"/app/static/{MODULE}", {"Accept-Encoding": "gzip, deflate, br"})
    assert (status, reached) == (200, False)
    assert headers["content-encoding"] == "gzip" and headers["content-type"].startswith("text/javascript")
    assert headers["vary"] == "Accept-Encoding" and int(headers["content-length"]) == len(packed)
    assert body == packed and gzip.decompress(body) == (precompressed.STATIC / MODULE).read_bytes()
    # behind a base URL path too
    assert serve(f"/aeviz/app/static/{MODULE}", {"Accept-Encoding": "gzip"})[2] == packed


@pytest.mark.parametrize("path, headers, method", [
    (f"/app/static/{MODULE}", {}, "GET"),                                        # no gzip accepted
    (f"/app/static/{MODULE}", {"Accept-Encoding": "br, gzip;q=0"}, "GET"),       # gzip refused
    (f"/app/static/{MODULE}", {"Accept-Encoding": "gzip", "Range": "bytes=0-99"}, "GET"),  # a range of the file
    (f"/app/static/{MODULE}", {"Accept-Encoding": "gzip"}, "POST"),
    ("/app/static/ort/VERSION", {"Accept-Encoding": "gzip"}, "GET"),             # small: no .gz
    ("/app/static/ort/../../server.py", {"Accept-Encoding": "gzip"}, "GET"),     # outside static/
    ("/_stcore/health", {"Accept-Encoding": "gzip"}, "GET"),
])
def test_every_other_request_goes_on_to_streamlit(path, headers, method):
    assert serve(path, headers, method)[3]


@pytest.mark.slow
def test_the_dashboard_serves_the_gzip_as_it_is(tmp_path):
    """`streamlit run app.py` (the checkout's App) sends the committed .gz, which the browser
    decodes to the file; a client that takes no gzip gets the file itself."""
    with running("app.py", tmp_path) as server:
        url = f"{server.url}/app/static/{MODULE}"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"}), timeout=60) as r:
            encoding, body = r.headers["Content-Encoding"], r.read()
        with urllib.request.urlopen(url, timeout=60) as r:
            plain_encoding, plain = r.headers["Content-Encoding"], r.read()
    assert encoding == "gzip" and body == (precompressed.STATIC / (MODULE + ".gz")).read_bytes()
    assert gzip.decompress(body) == plain == (precompressed.STATIC / MODULE).read_bytes() and plain_encoding is None

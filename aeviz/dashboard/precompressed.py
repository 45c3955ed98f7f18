"""The browser's big downloads from the dashboard's static route (app/static/), compressed
once when they are vendored, not on every request.

Streamlit gzips what app/static/ serves as it sends it (level 5, every request, every
user): 1 s of the server's CPU for onnxruntime-web's 14 MB of WebAssembly each time a page
with a browser decoder opens in a new tab. scripts/vendor_web.sh writes a `.gz` beside each
such file instead (gzip level 9, the same bytes every time: no name, no time in the header),
and the middleware here sends that file as it is, with `Content-Encoding: gzip`, to a browser
that accepts gzip; any other request goes on to Streamlit unchanged.

    python -m aeviz.dashboard.precompressed      # (re)write the .gz files; vendor_web.sh runs it"""
from __future__ import annotations

import gzip
import mimetypes
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
# The folders whose files a page fetches by URL (the components' own code travels inside the
# page): onnxruntime-web and the latent map's regl-scatterplot bundle, both vendored.
FETCHED = ("ort", "scatter")
SUFFIXES = (".wasm", ".mjs", ".js", ".css")
MIN_BYTES = 1000  # as Streamlit's own gzip: below that, the header costs more than it saves
ROUTE = "/app/static/"  # Streamlit's route for static/ (server.enableStaticServing)


def originals(static: Path = STATIC) -> list[Path]:
    """The files that ship with a .gz beside them."""
    return sorted(p for folder in FETCHED for p in (static / folder).glob("*")
                  if p.suffix in SUFFIXES and p.is_file() and p.stat().st_size >= MIN_BYTES)


def compressed(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(static: Path = STATIC) -> list[Path]:
    """Write each original's .gz (when missing or stale); returns the .gz paths."""
    from aeviz.safefile import write_atomic

    written = []
    for p in originals(static):
        target = p.with_name(p.name + ".gz")
        data = compressed(p.read_bytes())
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data, "a compressed static file")
        written.append(target)
    return written


class Middleware:
    """ASGI middleware before Streamlit's own: a GET or HEAD of app/static/<file> whose
    <file>.gz was written by write() gets the .gz as it is, when the browser accepts gzip."""

    def __init__(self, app, static: Path = STATIC):
        self.app, self.static = app, static.resolve()

    async def __call__(self, scope, receive, send):
        found = self._precompressed(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        from starlette.responses import FileResponse

        original, packed = found
        media_type = mimetypes.guess_type(original.name)[0] or "application/octet-stream"
        # Headers as Streamlit's own route sends them (a component's module may be fetched
        # from another origin), plus the encoding and, for caches, that it depends on Accept-Encoding.
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*",
                   "X-Content-Type-Options": "nosniff"}
        await FileResponse(packed, media_type=media_type, headers=headers)(scope, receive, send)

    def _precompressed(self, scope) -> tuple[Path, Path] | None:
        path = scope.get("path", "")
        start = path.find(ROUTE)  # after a base URL path, if one is set
        headers = dict(scope.get("headers", ()))
        # A range of the file is left to Streamlit: it counts bytes of the file, not of its .gz.
        if scope.get("method") not in ("GET", "HEAD") or start < 0 or b"range" in headers \
                or not _accepts_gzip(headers.get(b"accept-encoding", b"")):
            return None
        original = (self.static / path[start + len(ROUTE):]).resolve()
        packed = original.with_name(original.name + ".gz")
        # Only a file of static/ itself, never one a path with ../ or a link points elsewhere.
        if not original.is_relative_to(self.static) or not packed.is_file() or not original.is_file():
            return None
        return original, packed


def _accepts_gzip(accept_encoding: bytes) -> bool:
    """gzip among the encodings a browser accepts ("gzip, deflate, br"), not refused with q=0."""
    for part in accept_encoding.lower().split(b","):
        name, _, params = part.partition(b";")
        if name.strip() == b"gzip":
            return params.replace(b" ", b"") not in (b"q=0", b"q=0.0", b"q=0.00", b"q=0.000")
    return False


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else STATIC):
        print(p)

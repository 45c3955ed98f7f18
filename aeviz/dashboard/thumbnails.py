"""Thumbnails on demand: the image of a latent map's point past the page's sprite atlas, sent
by the dashboard's server one point at a time as the page asks for it (aeviz issue 28).

The map's payload (components/scatter.py) registers its split here and sends the page a URL
prefix holding a token; the page asks for `aeviz/thumbnail/<token>/<index>.png` when the
hovered point has no thumbnail in the atlas (web/map/thumbnails.js). The token only names an
entry of SOURCES: nothing from the URL ever reaches the file system. The image is read from
the split the map's page already holds (the dataset module's in-process cache), or made alone
for the augmented set, so serving a hover keeps nothing new in memory. A forged token, or an index that is
not a plain number of the split, gets 404 and one sentence, never a traceback."""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

PREFIX = "aeviz/thumbnail"
# A day: within one server process a token's images never change (the process reads a split
# once and keeps it), and a new process makes new tokens (SALT), so a browser may keep them.
CACHE_CONTROL = "public, max-age=86400, immutable"
# Each process's own, so that a server started again (maybe on a changed folder of images)
# never sends a browser to thumbnails it kept from the last one.
SALT = secrets.token_hex(8)
# An image number as the page writes one: no sign, no leading zero, no exponent, ASCII
# digits only (Python's int() takes '٣' and '1_0'); 12 digits at most, so a huge one is
# refused before it is converted.
INDEX = re.compile(r"(0|[1-9][0-9]{0,11})\.png", re.ASCII)
ATLAS = "atlas.png"  # the split's sprite atlas, beside its images


@dataclass(frozen=True)
class Source:
    """A split's images as the map's page reads them: the dataset named by config (its name,
    size and channels), from the datasets' in-process cache. The augmented set makes image i
    alone when it is asked for (datasets/augmented.py)."""
    config: object  # the checkpoint's TrainConfig
    split: str
    count: int
    # The sprite atlas of its first images as PNG (images.sprite_sheet), sent as `atlas.png`
    # rather than inside the map's message: 9.7 MB of base64 for a 60,000-point map's 16,384
    # thumbnails, which the browser now fetches beside the points and keeps (immutable).
    atlas: bytes | None = None

    def png(self, i: int) -> bytes:
        # Imported here, not at the top: the server imports this module as it starts, before
        # any page, and these bring the datasets and torch (imported by then).
        from aeviz.datasets import load_dataset
        from aeviz.images import encode_png

        cfg = self.config
        return encode_png(load_dataset(cfg.dataset, self.split, cfg.image_size, cfg.grayscale).x[i])


# Token -> Source. Unbounded, as there is one entry per (dataset, size, channels, split) a map
# was drawn of, a few hundred bytes each; a bound would break the pages that still show a map.
SOURCES: dict[str, Source] = {}
_lock = threading.Lock()


def register(config, split: str, count: int, atlas: bytes | None = None) -> str:
    """Serve the split's `count` images, and its sprite atlas as `atlas.png`; returns the URL
    prefix the page asks under, relative to the page as the static files are (web/runtime/ort.js)."""
    name = f"{SALT}\0{config.dataset}\0{config.image_size}\0{config.grayscale}\0{split}\0{count}"
    token = hashlib.sha256(name.encode()).hexdigest()[:24]
    with _lock:  # the same images, so an atlas registered before still holds
        kept = SOURCES.get(token)
        SOURCES[token] = Source(config, split, count, atlas if atlas is not None else kept and kept.atlas)
    return f"{PREFIX}/{token}/"


def _missing(sentence: str) -> PlainTextResponse:
    return PlainTextResponse(sentence, status_code=404)


def thumbnail(request: Request) -> Response:
    """GET <PREFIX>/<token>/<index>.png: image `index` of the token's split as PNG, at its own
    size; <PREFIX>/<token>/atlas.png: its sprite atlas. A plain function: Starlette runs it on its thread pool, so encoding never holds the
    server's event loop."""
    params = request.path_params
    source = SOURCES.get(params.get("source", ""))
    if source is None:
        return _missing("No map of this server has that thumbnail source; reload the page.")
    if params.get("name") == ATLAS and source.atlas is not None:
        return Response(source.atlas, media_type="image/png", headers={"Cache-Control": CACHE_CONTROL})
    found = INDEX.fullmatch(params.get("name", ""))
    if found is None or int(found[1]) >= source.count:
        return _missing(f"That map's thumbnails are numbered 0 to {source.count - 1}, as <number>.png.")
    try:
        png = source.png(int(found[1]))
    except (OSError, ValueError, IndexError) as exc:  # the split can no longer be read (DatasetError is a ValueError)
        return _missing(f"The image could not be read ({exc.__class__.__name__}).")
    return Response(png, media_type="image/png", headers={"Cache-Control": CACHE_CONTROL})


def _elsewhere(_request: Request) -> Response:
    return _missing("A thumbnail's address is aeviz/thumbnail/<source>/<number>.png.")


# Under the server's base URL path too (server.baseUrlPath: the page, and so the prefix it
# resolves, is under it), and any other path under the prefix answers 404 here rather than
# reaching Streamlit, whose catch-all would send its index page.
ROUTES = [Route(f"/{PREFIX}/{{source}}/{{name}}", thumbnail, methods=["GET"]),
          Route(f"/{{base:path}}/{PREFIX}/{{source}}/{{name}}", thumbnail, methods=["GET"]),
          Route(f"/{PREFIX}/{{rest:path}}", _elsewhere, methods=["GET"])]

"""What the browser sends back, read before a page uses it.

A component's events (and a plotly chart's selection) come from the user's browser, so a
script in the page or a patched websocket client can send anything JSON holds: an index
past the split's end, a negative one (numpy would read it from the end), NaN or infinite
codes, a code of the wrong length, a selection of a million indices, a string where a number
goes. Each reader here turns an event into a value the page can use, or None, which the page
treats as no event at all (nothing clicked, nothing reported). None of them raises."""
from __future__ import annotations

import math
import re
from numbers import Real

import numpy as np

PLACE_LIMIT = 1e6  # map coordinates: real maps span tens of units; beyond this a place is forged


def number(value) -> float | None:
    """value as a finite float, or None (a bool, a string, a list, NaN and infinity are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def index(value, n: int) -> int | None:
    """value as an index into n items: a whole number from 0 to n - 1, else None."""
    x = number(value)
    if x is None or x != int(x) or not 0 <= x < n:
        return None
    return int(x)


def place(x, y) -> tuple[float, float] | None:
    """A place on a map: two finite coordinates within PLACE_LIMIT, else None."""
    x, y = number(x), number(y)
    if x is None or y is None or max(abs(x), abs(y)) > PLACE_LIMIT:
        return None
    return x, y


def pick(event, n: int) -> tuple | None:
    """The map's pick event ({"kind": "point", "index"} or {"kind": "place", "x", "y"}) as
    ("point", i) or ("place", x, y); None when it is anything else."""
    if not isinstance(event, dict):
        return None
    if event.get("kind") == "point":
        i = index(event.get("index"), n)
        return None if i is None else ("point", i)
    if event.get("kind") == "place":
        xy = place(event.get("x"), event.get("y"))
        return None if xy is None else ("place", *xy)
    return None


def selection(value, n: int) -> list[int] | None:
    """A selection of images out of n: the valid indices, each once, in the order sent; None
    when value is not a list. A real selection holds at most n distinct indices, so no more
    than the first n entries are read, however long the list."""
    if not isinstance(value, list):
        return None
    chosen = (index(v, n) for v in value[:n])
    return list(dict.fromkeys(i for i in chosen if i is not None))


def code(value, width: int, lo=None, hi=None) -> np.ndarray | None:
    """A code the sliders reported: width finite numbers, clipped to the sliders' range
    [lo, hi] when given; None when it is anything else."""
    if not isinstance(value, list) or len(value) != width:
        return None
    numbers = [number(v) for v in value]
    if any(v is None for v in numbers):
        return None
    z = np.asarray(numbers, np.float64)
    if lo is not None and hi is not None:
        z = np.clip(z, lo, hi)
    z = z.astype(np.float32)
    return z if np.isfinite(z).all() else None  # 1e300 is a finite float64, but no float32


MAX_HINTS = 256  # color hints on one photo: a user places tens; more is a forged event
VIEW_MAX = 4096  # the Colorize picture's pixels a side: a 4K screen's width
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def hints(value, width: int, height: int) -> list[tuple[int, int, tuple[int, int, int]]] | None:
    """The Colorize page's hints ([[x, y, "#rrggbb"], ...]) as [(x, y, (r, g, b)), ...]: each x
    a whole pixel from 0 to width - 1, y from 0 to height - 1, the color six hex digits; at most
    MAX_HINTS. None when any part is anything else (the page then keeps the hints it had)."""
    if not isinstance(value, list) or len(value) > MAX_HINTS:
        return None
    found = []
    for hint in value:
        if not isinstance(hint, list) or len(hint) != 3:
            return None
        x, y, color = index(hint[0], width), index(hint[1], height), hint[2]
        if x is None or y is None or not isinstance(color, str) or not _HEX.fullmatch(color):
            return None
        found.append((x, y, tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))))
    return found


def view(value, width: int, height: int) -> tuple[int, int] | None:
    """The pixel size the Colorize picture is shown at ([w, h]), as at most the photo's own
    size and VIEW_MAX a side; None when it is not two whole numbers of at least 1."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    w, h = (number(v) for v in value)
    if w is None or h is None or w != int(w) or h != int(h) or min(w, h) < 1:
        return None
    return int(min(w, width, VIEW_MAX)), int(min(h, height, VIEW_MAX))

"""Several users at once on one real `streamlit run app.py` while the Train page trains:
each user's Streamlit session keeps its own latent code (aeviz issue 5, at test size).

Each user is a page in headless Chromium with its own browser context. All press their own
latent-walk slider at once (user i: dimension i, to its lower end); every user must see
its own code decoded. Then the even users move theirs to the other end at once: they see
their new code, and the odd users' images do not change. No page may show a traceback or
an st.error. How much time and memory this costs is benchmarks/load.py's to measure (the
same run at 20 users, with its bounds), not this test's."""
from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from support.pages import walk_decoder
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, PROBE_JS, SLOW, ServerError, running, settle

pytestmark = pytest.mark.e2e

USERS = 4
TOLERANCE = 3  # uint8 levels: the server decodes in a batch, this test one code at a time


def slider(i: int) -> str:
    return f"input[aria-label=z{i}]"


def at_end(pg, i: int, key: str) -> bool:
    value, low, high = pg.locator(slider(i)).evaluate("e => [+e.value, +e.min, +e.max]")
    return value == (low if key == "Home" else high)


def press_all(pages: dict, keys: dict) -> None:
    """Every user in keys presses its key (Home or End) at once; returns when the server
    answered each. A slider already at that end is left alone: no press, no answer."""
    keys = {i: key for i, key in keys.items() if not at_end(pages[i], i, key)}
    for i, key in keys.items():
        pages[i].evaluate(PROBE_JS, ["img.walk-image", slider(i)])
        pages[i].locator(slider(i)).focus()
        pages[i].keyboard.press(key)
    for i in keys:
        # done: the new image is on screen (decoded in the page) and no server answer is pending
        pages[i].wait_for_function("() => window.__probe.done", timeout=SLOW, polling=100)
        settle(pages[i])


def shown(pg) -> tuple[str, np.ndarray]:
    src = pg.locator("img.walk-image").get_attribute("src")
    return src, np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("L"), np.int16)


def assert_each_sees_its_own(pages: dict, ends: dict, base: np.ndarray, decode) -> dict:
    """Every user's image is its own code decoded, nearer to it than to any other user's;
    returns each user's image source."""
    codes = []
    for i in pages:
        z = base.copy()
        z[i] = -3.0 if ends[i] == "Home" else 3.0  # the shipped VAE's sliders span +-3 prior sd
        codes.append(z)
    expected = decode(np.stack(codes))
    sources = {}
    for k, (i, pg) in enumerate(pages.items()):
        sources[i], px = shown(pg)
        diffs = [np.abs(px - e).max() for e in expected]
        assert diffs[k] <= TOLERANCE and int(np.argmin(diffs)) == k, (
            f"user {i} shows another code's image (off its own by {diffs[k]} levels)")
    return sources


def test_users_at_once_each_see_their_own_image_while_a_model_trains(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not on PATH (CI installs it; locally: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    base, decode = walk_decoder()
    errors = []
    try:
        with running("app.py", tmp_path) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def new_page():
                pg = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                pg.set_default_timeout(SLOW)
                pg.on("pageerror", lambda exc: errors.append(f"a script error in the page: {exc}"))
                return pg

            trainer = new_page()  # the Train page's defaults, a seed no shipped checkpoint has
            trainer.goto(f"{server.url}/train")
            trainer.get_by_role("spinbutton", name="Epochs").fill("2")
            trainer.get_by_role("spinbutton", name="Seed").fill("7")
            trainer.get_by_role("button", name="Train", exact=True).click()
            trainer.locator("[data-testid=stProgress]").wait_for()

            pages = {i: new_page() for i in range(USERS)}
            for pg in pages.values():
                pg.goto(f"{server.url}/latent-walk")
            for pg in pages.values():
                pg.locator("img.walk-image[data-code]").wait_for()  # the page's own decoder is ready
                settle(pg)
            ends = {i: "Home" for i in pages}
            press_all(pages, ends)
            before = assert_each_sees_its_own(pages, ends, base, decode)

            flip = {i: "End" for i in pages if i % 2 == 0}
            ends.update(flip)
            press_all(pages, flip)
            after = assert_each_sees_its_own(pages, ends, base, decode)
            assert [i for i in pages if i % 2 and after[i] != before[i]] == [], \
                "an odd user's image changed when the even users moved their sliders"
            for i, pg in {**pages, "trainer": trainer}.items():
                errors += [f"user {i}: {text}" for text in pg.evaluate(ERRORS_JS)]
            browser.close()
    except ServerError as exc:
        pytest.fail(str(exc))
    assert errors == []

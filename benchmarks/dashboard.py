"""A dashboard page in headless Chromium, for the browser benchmarks: opened at its path,
its heading awaited, then the sidebar's checkpoint and split picked where asked."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.server import settle  # noqa: E402


def open_page(browser, url: str, path: str, title: str, checkpoint: str | None = None, split: str | None = None):
    """A new page of browser on url/path, showing title, with the sidebar's checkpoint (an
    option's text, or part of it) and split picked when given."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(180_000)
    page.goto(f"{url}/{path}")
    page.get_by_role("heading", name=title).first.wait_for()
    settle(page)
    if checkpoint:
        page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
        page.get_by_role("option").filter(has_text=checkpoint).first.click()
        settle(page)
    if split:
        page.locator("[data-testid=stSidebar]").get_by_text(split, exact=True).click()
        settle(page)
    return page

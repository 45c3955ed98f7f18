"""Several users at once on one real `streamlit run app.py` while the Train page trains
(aeviz issue 5 at test size; benchmarks/load.py is the full size and the long run).

Each user is a page in headless Chromium with its own Streamlit session: it sweeps its own
latent slider, parks it at its own end, the even users move again while the odd ones wait,
then all open the map and click their own point. Fails on any traceback or st.error, on a
user seeing another user's image (or its image changing when others move), on the server
keeping more than PER_USER_MIB per connected idle user over the warmed-up baseline (by
Streamlit's own accounting of served images, uploads and data caches), on a model or map
being loaded again for a user, and on its peak RSS under load exceeding the baseline by
more than load.Bounds.transient."""
from __future__ import annotations

import asyncio
import sys

import pytest
from streamlit_server import CHROMIUM, ROOT, ServerError, running

sys.path.insert(0, str(ROOT / "benchmarks"))
import load  # noqa: E402

pytestmark = pytest.mark.e2e

USERS = 6
PER_USER_MIB = 10   # a user's own state (session, payloads, media files) is small; models and data are shared


def test_users_at_once_each_keep_their_own_image_and_memory_stays_bounded(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not on PATH (CI installs it; locally: apt-get install chromium)")
    try:
        with running("app.py", tmp_path) as server:
            res = asyncio.run(load.run(server.url, server.proc.pid, sessions=USERS, presses=3, think=0.2,
                                       train_epochs=2, log=lambda _: None))
    except ServerError as exc:
        pytest.fail(str(exc))
    assert res.errors == []
    assert all(len(u.answer_ms) == 3 for u in res.users), "every press was answered by the server"
    assert res.training[0][1].startswith("running"), "the users worked while a training run was going"
    assert load.memory_checks(res, load.Bounds(per_user=PER_USER_MIB)) == []

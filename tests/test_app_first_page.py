"""The dashboard's first page (Reconstructions, on the shipped default) is drawn from what
is stored beside the shipped checkpoint, without importing torch (2 s of the first start):
checked in a process of its own, since this one has imported torch long ago."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from support.pages import APP, ROOT

# Runs the router once under AppTest, as a new user's first visit, and says what it
# imported (before AppTest reads the elements) and what it drew.
FIRST_VISIT = f"""
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({APP!r}, default_timeout=300).run()
imported = sorted(m for m in ("torch", "sklearn", "aeviz.latent") if m in sys.modules)
print(json.dumps({{"imported": imported,
    "exceptions": [e.value for e in at.exception], "errors": [e.value for e in at.error],
    "titles": [t.value for t in at.title], "captions": [c.value for c in at.caption],
    "images": sum(len(i.proto.imgs) for i in at.get("image")),
}}))
"""


def test_the_first_page_draws_the_shipped_default_without_torch(tmp_path):
    env = {"AEVIZ_CHECKPOINTS": str(tmp_path / "checkpoints"), "AEVIZ_CACHE": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", FIRST_VISIT], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={**os.environ, **env})
    assert out.returncode == 0, out.stderr[-3000:]
    drawn = json.loads(out.stdout.strip().splitlines()[-1])
    assert not drawn["exceptions"] and not drawn["errors"], drawn
    assert drawn["titles"] == ["Reconstructions"]
    assert any(c.startswith("vae on mnist5k (test split, 1,000 images)") for c in drawn["captions"])
    assert drawn["images"] == 24  # the gallery's first page: input | reconstruction | PCA tiles
    assert drawn["imported"] == [], f"the first page imported {drawn['imported']}"
    # Everything came from the shipped files: nothing was computed into the user's cache.
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())

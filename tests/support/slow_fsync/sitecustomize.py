"""Imported at start-up by a training process that a fault test starts with this folder on
PYTHONPATH: fsync of a file whose name matches AEVIZ_TEST_SLOW_FSYNC (a glob) takes
AEVIZ_TEST_FSYNC_SECONDS, as on a slow disk. A tiny checkpoint is otherwise written and
renamed within a millisecond, and a SIGKILL meant to land mid-write would land by luck."""
import fnmatch
import os
import time

_pattern = os.environ.get("AEVIZ_TEST_SLOW_FSYNC")
if _pattern:
    _seconds = float(os.environ.get("AEVIZ_TEST_FSYNC_SECONDS", "0.5"))
    _fsync = os.fsync

    def _slow_fsync(fd):
        try:  # the file's name, from Linux's /proc (elsewhere, no delay)
            name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            name = ""
        if fnmatch.fnmatch(name, _pattern):
            time.sleep(_seconds)
        _fsync(fd)

    os.fsync = _slow_fsync

"""Whether another process is still running, for files and claims it may have left behind."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """A process with this id runs on this machine (one we may not signal counts too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

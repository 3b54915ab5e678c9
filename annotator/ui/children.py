"""The fork server the window's child processes come from (counting search hits, training
suggesters).

A fork of the window itself would copy its open SQLite connections and their lock state,
which SQLite forbids using, and a fresh interpreter per child would take a second to start;
the fork server is started once, with what the children run already imported.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

PRELOAD = ["annotator.ui.search.counting", "annotator.suggest.child"]


def fork_server() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context

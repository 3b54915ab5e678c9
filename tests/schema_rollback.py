"""Roll a SQLite database file back to an older schema version by hand, dropping what every
later version adds, so a test can check the migrations from that version."""

from __future__ import annotations

import sqlite3

from annotator.store.fold_index import FOLDS_TO_ASCII

_ADDED_BY: dict[int, list[str]] = {
    6: ["DROP TABLE rejected_suggestion"],
    7: ["DROP TABLE relation_source"],
    8: ["DROP TABLE assignment", "ALTER TABLE annotator DROP COLUMN role"],
    9: ["DROP TABLE review_decision"],
    10: [
        "DROP TABLE import_reservation",
        "ALTER TABLE document_text_pending DROP COLUMN later",
    ],
    11: [f"DROP INDEX document_holds_u{ord(char):04x}" for char in FOLDS_TO_ASCII],
}


def roll_back(path: str, version: int) -> None:
    """Make the database at ``path`` look as schema ``version`` (5 or later) left it."""
    with sqlite3.connect(path) as raw:
        for later in sorted(_ADDED_BY, reverse=True):
            if later > version:
                for statement in _ADDED_BY[later]:
                    raw.execute(statement)
        raw.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    raw.close()

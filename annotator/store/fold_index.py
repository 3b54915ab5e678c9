"""Which documents hold a character that ``re.IGNORECASE`` matches to an ASCII letter.

Four characters outside ASCII match an ASCII letter under ``re.IGNORECASE``
(``FOLDS_TO_ASCII``), where SQLite's ``lower`` leaves them as they are, so a
case-insensitive count made in SQL is wrong in a text holding one of them. Finding those
texts with ``instr`` at count time costs as much as the count itself; a partial index per
character lists them instead, kept by SQLite as texts come and go (a few microseconds per
text when it is stored). SQLite only: other backends do not count in SQL.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

FOLDS_TO_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
"""The characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII letter."""


def holds(char: str) -> str:
    """The condition, over ``document``, that its text holds ``char``: the words of its
    partial index, so that SQLite answers the condition from the index."""
    return f"instr(text, '{char}') > 0"


def create_fold_indexes(connection: Connection) -> None:
    """The partial index of the documents holding each character of ``FOLDS_TO_ASCII``."""
    if connection.dialect.name != "sqlite":
        return
    for char in FOLDS_TO_ASCII:
        name = f"document_holds_u{ord(char):04x}"
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON document (id) WHERE {holds(char)}"
        )

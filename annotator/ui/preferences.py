"""The user's settings (QSettings in an INI file under the platform's config folder)."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QObject, QSettings
from PySide6.QtGui import QFont

from annotator.settings import SUGGESTION_THRESHOLD, settings_file


class Preferences(QObject):
    """Typed access to what the app remembers between runs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = QSettings(str(settings_file()), QSettings.Format.IniFormat, self)

    def _get(self, key: str, default: object = None) -> object:
        return self._settings.value(key, default)

    def _set(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()

    @property
    def annotator(self) -> str | None:
        value = self._get("identity/annotator")
        return str(value) if value else None

    @annotator.setter
    def annotator(self, name: str) -> None:
        self._set("identity/annotator", name)

    @property
    def snapping(self) -> bool:
        return str(self._get("editing/snap_to_words", "true")).lower() == "true"

    @snapping.setter
    def snapping(self, on: bool) -> None:
        self._set("editing/snap_to_words", "true" if on else "false")

    @property
    def text_font(self) -> QFont | None:
        """The font chosen for article text (before zoom); None until one is chosen."""
        font = QFont()
        value = self._get("view/text_font")
        return font if isinstance(value, str) and font.fromString(value) else None

    @text_font.setter
    def text_font(self, font: QFont) -> None:
        self._set("view/text_font", font.toString())

    @property
    def text_zoom(self) -> int:
        """Zoom steps (points) over the article font's size."""
        value = self._get("view/text_zoom", 0)
        try:
            return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return 0

    @text_zoom.setter
    def text_zoom(self, steps: int) -> None:
        self._set("view/text_zoom", steps)

    @property
    def suggestion_threshold(self) -> float:
        """The held-out F1 a suggester must reach for its suggestions to be offered."""
        value = self._get("suggestions/threshold", SUGGESTION_THRESHOLD)
        try:
            return min(1.0, max(0.0, float(value)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return SUGGESTION_THRESHOLD

    @suggestion_threshold.setter
    def suggestion_threshold(self, value: float) -> None:
        self._set("suggestions/threshold", float(value))

    def last_document(self, database: str) -> int | None:
        value = self._get(f"documents/last/{_key(database)}")
        return int(value) if isinstance(value, int | str) and value != "" else None

    def set_last_document(self, database: str, document_id: int) -> None:
        self._set(f"documents/last/{_key(database)}", document_id)

    def layout(self, name: str) -> QByteArray | None:
        value = self._get(f"layout/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_layout(self, name: str, state: QByteArray) -> None:
        self._set(f"layout/{name}", state)


def _key(database: str) -> str:
    """A settings key for a database path: remembered positions are per database."""
    return hashlib.sha1(database.encode("utf-8")).hexdigest()[:16]

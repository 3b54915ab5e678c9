"""Placeholder text reads in a dark palette (and still in a light one)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit

from annotator.ui.app import application


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def _contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _palette(text: str, base: str, placeholder: str) -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.Window, base),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.PlaceholderText, placeholder),
    ):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.mark.parametrize(
    "theme",
    [("#e6e6e6", "#1e1e1e", "#3c3c3c"), ("#000000", "#ffffff", "#bfbfbf")],
    ids=["dark", "light"],
)
def test_placeholders_read_in_the_theme(qtbot, theme) -> None:
    app = QApplication.instance()
    before = app.palette()
    text, base, placeholder = theme
    app.setPalette(_palette(text, base, placeholder))
    try:
        assert _contrast(QColor(placeholder), QColor(base)) < 2.5  # the theme's own: unreadable
        application()
        field = QLineEdit()
        qtbot.addWidget(field)
        field.setPlaceholderText("lowercase, e.g. event")
        field.show()
        palette = field.palette()
        shown = palette.color(QPalette.ColorRole.PlaceholderText)
        assert _contrast(shown, palette.color(QPalette.ColorRole.Base)) >= 4.5
        assert _contrast(shown, palette.color(QPalette.ColorRole.Base)) < _contrast(
            palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
        )  # still reads as a hint, not as typed text
    finally:
        app.setPalette(before)


def test_placeholders_follow_a_switch_to_dark(qtbot) -> None:
    app = application()
    before = app.palette()
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setPlaceholderText("Filter titles")
    field.show()
    try:
        app.setPalette(_palette("#e6e6e6", "#1e1e1e", "#3c3c3c"))  # the system turns dark
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        palette = field.palette()
        shown = palette.color(QPalette.ColorRole.PlaceholderText)
        assert _contrast(shown, palette.color(QPalette.ColorRole.Base)) >= 4.5
    finally:
        app.setPalette(before)

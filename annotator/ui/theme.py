"""Palette fixes the platform's themes leave out: placeholder text that reads in dark ones."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

PLACEHOLDER_WEIGHT = 0.6
"""How far placeholder text goes from the field's background towards its text colour: far
enough to read (about 5:1 on white, 6:1 on a dark grey), short of real text."""

_GROUPS = (
    QPalette.ColorGroup.Active,
    QPalette.ColorGroup.Inactive,
    QPalette.ColorGroup.Disabled,
)


def _blend(base: QColor, text: QColor, weight: float) -> QColor:
    return QColor.fromRgbF(
        base.redF() + (text.redF() - base.redF()) * weight,
        base.greenF() + (text.greenF() - base.greenF()) * weight,
        base.blueF() + (text.blueF() - base.blueF()) * weight,
    )


def with_readable_placeholders(palette: QPalette) -> QPalette:
    """``palette`` with its PlaceholderText role drawn from its own Text and Base colours,
    in every colour group, so a dark theme's placeholders are not dark grey on black."""
    fixed = QPalette(palette)
    for group in _GROUPS:
        text = palette.color(group, QPalette.ColorRole.Text)
        base = palette.color(group, QPalette.ColorRole.Base)
        fixed.setColor(
            group, QPalette.ColorRole.PlaceholderText, _blend(base, text, PLACEHOLDER_WEIGHT)
        )
    return fixed


def keep_placeholders_readable(app: QGuiApplication) -> None:
    """Fix ``app``'s placeholders now and again whenever the system switches between light
    and dark (the other roles keep following the platform's theme)."""
    app.setPalette(with_readable_placeholders(app.palette()))
    if app.property("placeholders-followed"):
        return
    app.setProperty("placeholders-followed", True)
    app.styleHints().colorSchemeChanged.connect(
        lambda _scheme: app.setPalette(with_readable_placeholders(app.palette()))
    )

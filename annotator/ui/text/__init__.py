"""The article text view: spans drawn over read-only, selectable plain text."""

from annotator.ui.text.view import AnnotatedTextView

__all__ = ["AnnotatedTextView"]

"""annotator: tag spans in news articles, keep them in SQLite, export training data."""

__version__ = "0.1.0"

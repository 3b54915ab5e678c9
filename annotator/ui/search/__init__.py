"""The corpus dock: search, concordance and consistency checks over the whole store."""

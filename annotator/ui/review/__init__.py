"""Review: every annotator's spans on one document, the gold layer, agreement figures."""

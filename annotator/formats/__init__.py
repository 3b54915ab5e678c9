"""Reading and writing files: one module per format, each registered once by name."""

"""Dialogs for whole-corpus jobs: exporting and importing datasets."""

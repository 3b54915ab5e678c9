"""Suggesters: models trained in-process from one annotator's spans (or gold) that propose
spans for a text, with their training, evaluation, storage and pre-annotation.

Qt-free: the window and the command line drive the same functions.
"""

"""What a window is editing, without Qt: the open document, the one current span, the review
cursor, and the undoable commands that change the store."""

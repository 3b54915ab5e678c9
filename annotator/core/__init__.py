"""Pure Python types and rules shared by every layer: no I/O, no SQL, no Qt."""

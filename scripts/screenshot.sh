#!/usr/bin/env bash
# Regenerates resources/screenshot.png on a virtual screen (Xvfb), so it works headless too.
set -euo pipefail
cd "$(dirname "$0")/.."
exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshot.py

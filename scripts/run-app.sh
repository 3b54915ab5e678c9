#!/usr/bin/env bash
# Starts the app. Without a display it runs inside a virtual X screen (Xvfb), so the same
# command works on a desktop and on a headless machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run: no display found; starting the app on a virtual screen (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/annotator gui "$@"
fi
exec .venv/bin/annotator gui "$@"

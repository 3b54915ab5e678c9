"""Run the benchmarks: ``python -m tests.benchmarks.run [--scale S] [--only SUBSTR]``.

Prints one table of figures and writes them as JSON (one file per run) to
``benchmark-results/``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import time
from pathlib import Path

from tests.benchmarks.harness import REGISTRY, Figures

HERE = Path(__file__).resolve().parent


def load_all() -> None:
    """Import every ``bench_*.py`` module so its benchmarks register themselves."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in sorted(HERE.glob("bench_*.py")):
        importlib.import_module(f"tests.benchmarks.{path.stem}")


def run(scale: float, only: str | None = None) -> dict[str, Figures]:
    load_all()
    results: dict[str, Figures] = {}
    for name, bench in sorted(REGISTRY.items()):
        if only and only not in name:
            continue
        results[name] = bench.fn(scale)
    return results


def format_table(results: dict[str, Figures]) -> str:
    rows = [
        (name, figure, value)
        for name, figures in results.items()
        for figure, value in figures.items()
    ]
    width = max((len(f"{n} / {f}") for n, f, _ in rows), default=10)
    lines = [f"{'benchmark / figure':<{width}}  value", "-" * (width + 14)]
    for name, figure, value in rows:
        shown = (
            f"{value:,.3f}"
            if isinstance(value, float)
            else f"{value:,}"
            if isinstance(value, int)
            else value
        )
        lines.append(f"{name + ' / ' + figure:<{width}}  {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the sizes the issues name")
    parser.add_argument("--only", help="run the benchmarks whose name contains this")
    parser.add_argument("--out", type=Path, default=Path("benchmark-results"))
    args = parser.parse_args(argv)
    results = run(args.scale, args.only)
    print(format_table(results))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = args.out / f"bench-{stamp}.json"
    payload = {
        "scale": args.scale,
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "results": results,
    }
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

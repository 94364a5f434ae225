"""`python -m bench [substring]`: run every bench/bench_*.py module's BENCHMARKS and print one table."""

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import measure, table


def main(argv: list[str]) -> int:
    pattern = argv[0] if argv else ""
    results = []
    for mod in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if not mod.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"bench.{mod.name}")
        for b in getattr(module, "BENCHMARKS", []):
            if pattern in b.name:
                print(f"running {b.name} ...", file=sys.stderr, flush=True)
                results.append(measure(b))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Run every benchmark script in turn (`make bench`); each writes its section of docs/benchmarks.md.

The first run builds the 1,000,000-contact database (benchmarks/data/, about 1 GB, several
minutes); later runs reuse it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = (
    "bench_import",
    "bench_engine",
    "bench_desk",
    "bench_statistics_screen",
    "bench_backup",
    "bench_startup",
    "bench_sync",
    "bench_privacy",
    "bench_coordinator",
)


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    failed = []
    for name in ORDER:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / f"{name}.py")], env=env).returncode != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

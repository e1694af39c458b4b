"""bench/RESULTS.md: each benchmark owns one marked block, rewritten in place, the rest kept."""

from server import ROOT

RESULTS = ROOT / "bench" / "RESULTS.md"


def results_write(name: str, lines: list[str]) -> None:
    """Replace the block between <!-- name:start --> and <!-- name:end --> (append if none)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = "\n".join([start, *lines, end])
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if start in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)

"""A tiny run of ``benchmarks/web_pages.py`` (4 people, 3 weeks) so that the benchmark cannot
rot: every page it times answers, and the table is printed."""

from pathlib import Path

from benchmarks.web_pages import PAGES, run


def test_the_benchmark_runs_on_a_tiny_world(tmp_path: Path) -> None:
    printed: list[str] = []
    figures = run(tmp_path, people=4, weeks=3, therapists=2, samples=2, out=printed.append)
    assert figures["people"] == 4
    rows = figures["pages"]
    assert [row["page"] for row in rows] == [page.label for page in PAGES]
    assert all(row["n"] == 2 and 0 < row["p50_ms"] <= row["p95_ms"] for row in rows)
    assert printed[0].startswith("4 people, 2 therapists, 3 weeks; about ")
    assert printed[1].splitlines()[0].split() == ["page", "n", "p50", "ms", "p95", "ms"]

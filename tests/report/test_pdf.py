"""The PDF report: a valid PDF with one page per laid-out page; honest text pages."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.errors import InputFileError
from kinesense.report import DISCLAIMER
from kinesense.report.pdf import A4_IN, layout_pages, result_lines, write_pdf
from tests.report import UNUSABLE_REASON, all_results, repositioning_result, sway_result

FIXED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def pdf_page_count(data: bytes) -> int:
    """Pages counted from the PDF objects themselves (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def page_sizes_pt(data: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, int]:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    pages = write_pdf(all_results(), path, title="Report", person="Alex Example")
    return path.read_bytes(), pages


def test_pdf_opens_and_counts_its_pages(written: tuple[bytes, int]) -> None:
    data, pages = written
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert pdf_page_count(data) == pages == len(layout_pages(all_results()))
    assert b"/Title (Report)" in data
    sizes = page_sizes_pt(data)
    assert len(sizes) == pages
    assert all(size == pytest.approx((A4_IN[0] * 72, A4_IN[1] * 72)) for size in sizes)


def test_layout_has_text_then_charts_for_each_result() -> None:
    pages = layout_pages(all_results(), title="Report", generated_at=FIXED)
    cover = " ".join(line.text for line in pages[0].lines)
    assert cover.startswith("Report")
    assert "30 Nov 2026, 08:00 UTC" in cover
    assert "Not a diagnosis" in cover
    text = " ".join(line.text for page in pages for line in page.lines)
    assert " ".join(DISCLAIMER.split()) in " ".join(text.split())
    charts = [chart.title for page in pages for chart in page.charts]
    assert charts.count("Stabilogram") == 4  # three sway visits and the Romberg test
    assert "Repositioning error" in charts
    assert "Single-leg stance trials" in charts
    assert charts[-1].startswith("Trend of Postural sway")
    assert all(len(page.charts) <= 3 for page in pages)


def test_every_metric_is_in_the_text() -> None:
    result = repositioning_result()
    text = "\n".join(line.text for line in result_lines(result))
    assert "Absolute error: 3.10°" in text
    assert "Constant error: 1.70°" in text
    assert "within the reference range (at most 4.50°)" in text
    assert result.metric_info["absolute_error_deg"].definition in text
    assert result.norms[0].source in text


def test_unusable_result_has_reasons_and_no_numbers() -> None:
    result = AssessmentResult.unusable(
        "sway",
        UNUSABLE_REASON,
        metrics={"path_length_mm": 987.654},
        metric_info={"path_length_mm": MetricInfo("mm", "path", "ref")},
        interpretation="Sway was 987.654 mm.",
        plot_data=dict(sway_result().plot_data),
    )
    lines = result_lines(result)
    text = " ".join(line.text for line in lines)
    assert UNUSABLE_REASON in text
    assert "988" not in text
    assert "987" not in text
    assert "Path length" not in text
    assert any(line.style == "warn" for line in lines)
    pages = layout_pages([result])
    assert all(not page.charts for page in pages)


def test_text_stays_on_the_page() -> None:
    long_note = "word " * 2000
    result = AssessmentResult(**{**sway_result().__dict__, "notes": (long_note,)})
    pages = layout_pages([result])
    room_pt = (A4_IN[1] - 0.8 - 0.9) * 72
    for page in pages:
        assert sum(line.height_pt for line in page.lines) <= room_pt
        assert all(len(line.text) <= 110 for line in page.lines if line.style == "body")
    assert len(pages) > 3


def test_dollar_signs_are_not_mathematics(tmp_path: Path) -> None:
    result = AssessmentResult(**{**sway_result().__dict__, "notes": ("cost $5 or $6",)})
    assert write_pdf([result], tmp_path / "r.pdf") >= 2


def test_unwritable_target(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot write"):
        write_pdf([sway_result()], tmp_path / "missing" / "r.pdf")

"""The HTML report: self-contained, complete, honest about unusable recordings."""

import base64
import re
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser

import pytest

from kinesense.assess.result import AssessmentResult, MetricInfo, compare_with_norm
from kinesense.report import DISCLAIMER
from kinesense.report.html import MAIN_METRICS, render_html
from tests.report import UNUSABLE_REASON, all_results, stance_result, sway_result

FIXED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


class _Resources(HTMLParser):
    """Every URL the page would load or link to, and the images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.images: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action") and value:
                self.urls.append(value)
                if tag == "img":
                    self.images.append(value)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(all_results(), title="Report", person="Alex Example", generated_at=FIXED)


def sections(page: str) -> dict[str, str]:
    """The HTML of each result section, by its id."""
    found = re.findall(r'<section id="(result-\d+)">(.*?)</section>', page, flags=re.S)
    return dict(found)


def test_self_contained(page: str) -> None:
    parser = _Resources()
    parser.feed(page)
    assert parser.images, "the report has charts"
    for url in parser.urls:
        assert url.startswith(("#", "data:image/png;base64,")), url
    assert not {"script", "link", "iframe", "object", "embed"} & parser.tags
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(?!data:)", page)
    assert "http://" not in page
    assert "https://" not in page
    for image in parser.images:
        png = base64.b64decode(image.removeprefix("data:image/png;base64,"), validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_charts_per_result(page: str) -> None:
    counts = {key: len(re.findall(r"<img ", body)) for key, body in sections(page).items()}
    # sway x3 (3 charts each), romberg (stabilograms, over time), repositioning 2, stance 1,
    # posture 1, mobility 1, unusable 0, unknown 0.
    assert list(counts.values()) == [3, 3, 3, 2, 2, 1, 1, 1, 0, 0]


def test_every_metric_and_norm_appears(page: str) -> None:
    text = unescape(page)
    for result in all_results():
        if not result.usable:
            continue
        for name in result.metrics:
            assert f"<code>{name}</code>" in page
            info = result.metric_info[name]
            assert info.definition in text
            assert info.reference in text
        for norm in result.norms:
            assert norm.source in text
            assert norm.population in text
            assert norm.text in text  # the norm's own sentence keeps its caveats
    # Values with units, worked out by hand from the fixtures.
    assert "3.10°" in text  # repositioning absolute error: mean |2.1, 3.4, 6.2, 1, 0.8, 5.1|
    assert "30.0 s" in text  # best single-leg stance
    assert "52.0°" in text  # craniovertebral angle
    assert "14.0 1/min" in text  # the unknown test's metric, shown as a table
    assert "at most 4.50°" in text
    assert "at least 25.0 s" in text
    assert "within the reference range" in text


def test_unusable_result_shows_reasons_and_no_numbers() -> None:
    info = {"path_length_mm": MetricInfo("mm", "path", "ref")}
    result = AssessmentResult.unusable(
        "sway",
        UNUSABLE_REASON,
        metrics={"path_length_mm": 987.654},
        metric_info=info,
        norms=(compare_with_norm("path_length_mm", 987.654, low=None, high=500.0,
                                 population="adults", source="Someone 2000"),),
        interpretation="Sway was 987.654 mm.",
        plot_data=dict(sway_result().plot_data),
    )  # fmt: skip
    page = render_html([result], generated_at=FIXED)
    assert UNUSABLE_REASON in unescape(page)
    assert "could not be judged" in page
    for forbidden in ("988", "987", "path_length_mm", "Someone 2000", "<img "):
        assert forbidden not in page, forbidden


def test_usable_and_unusable_are_told_apart(page: str) -> None:
    bodies = list(sections(page).values())
    assert "could not be judged" in bodies[8]
    assert all("could not be judged" not in body for i, body in enumerate(bodies) if i != 8)


def test_header_footer_and_escaping() -> None:
    page = render_html(
        [stance_result()], title="A <b>bold</b> title", person="<script>x</script>",
        generated_at=FIXED,
    )  # fmt: skip
    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "A &lt;b&gt;bold&lt;/b&gt; title" in page
    assert "30 Nov 2026, 08:00 UTC" in page
    assert DISCLAIMER in unescape(page)
    assert "not a diagnosis" in page.lower()


def test_protocol_interpretation_notes_quality(page: str) -> None:
    body = unescape(sections(page)["result-1"])
    result = all_results()[0]
    assert result.protocol in body
    assert result.interpretation in body
    assert result.notes[0] in body
    assert "sampling rate hz" in body
    assert "5 Oct 2026, 09:00 UTC" in body


def test_trend_needs_two_dates() -> None:
    three = [sway_result(f"2026-1{m}-01T09:00:00+00:00") for m in (0, 1, 2)]
    page = render_html(three, generated_at=FIXED)
    assert "Progress over time" in page
    assert "1 Oct 2026, 09:00 UTC, 1 Nov 2026, 09:00 UTC, 1 Dec 2026, 09:00 UTC" in page
    same_day = [sway_result(f"2026-10-01T0{h}:00:00+00:00") for h in (8, 9)]
    assert "Progress over time" not in render_html(same_day, generated_at=FIXED)
    other_eyes = [sway_result("2026-10-01T09:00:00+00:00", eyes="open"),
                  sway_result("2026-11-01T09:00:00+00:00", eyes="closed")]  # fmt: skip
    assert "Progress over time" not in render_html(other_eyes, generated_at=FIXED)


def test_long_metric_lists_fold() -> None:
    base = sway_result()
    metrics = {f"extra_{i}_mm": float(i) for i in range(MAIN_METRICS + 4)}
    info = {name: MetricInfo("mm", f"extra {name}", "ref") for name in metrics}
    result = AssessmentResult(
        **{**base.__dict__, "metrics": {**base.metrics, **metrics},
           "metric_info": {**base.metric_info, **info}}
    )  # fmt: skip
    page = render_html([result], generated_at=FIXED)
    assert f"{len(result.metrics) - MAIN_METRICS} more measurements" in page
    for name in result.metrics:
        assert f"<code>{name}</code>" in page
    # The metric compared with a norm comes first.
    assert page.index("<code>mean_velocity_mm_s</code>") < page.index("<code>path_length_mm</code>")

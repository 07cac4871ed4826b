"""The report in a real browser: headless Chromium draws every chart, logs no error, fetches nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback import report as rep
from feedback.cli import main

from . import reportdata
from .browser import chromium_path, open_page

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (scripts/test.sh installs it)"
)
Image = pytest.importorskip("PIL.Image")

END = "2026-11-27"


def rgb(hexcolor: str) -> tuple[int, int, int]:
    h = hexcolor.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def pixels(img: object, box: dict) -> list[tuple[int, int, int]]:
    """The RGB pixels inside a document rectangle."""
    crop = img.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["w"]), int(box["y"] + box["h"])))  # type: ignore[attr-defined]
    raw = crop.tobytes()
    return list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))


def count_near(img: object, box: dict, colors: list[str], tol: int = 28) -> int:
    """Pixels inside ``box`` within ``tol`` of one of ``colors``."""
    targets = [rgb(c) for c in colors]
    return sum(
        1
        for r, g, b in pixels(img, box)
        if max(r, g, b) - min(r, g, b) > 24  # our data colours are saturated; white, grid and text are not
        and any(abs(r - t[0]) <= tol and abs(g - t[1]) <= tol and abs(b - t[2]) <= tol for t in targets)
    )


def colored(img: object, box: dict) -> int:
    """Saturated pixels inside ``box``: drawn data (axes, grid and text are grey)."""
    return sum(1 for px in pixels(img, box) if max(px) - min(px) > 60)


# What each chart draws its data with (the levels' dashed lines are drawn on empty rate charts too, so
# a rate chart must show the rolling line's own colour).
EXPECTED = {
    "counts": [rep.COLORS["permanent"], rep.COLORS["transient"], rep.COLORS["complaints"]],
    "reasons": list(rep.REASON_PALETTE[:-1]),
    "bounce": [rep.COLORS["rolling"]],
    "complaint": [rep.COLORS["rolling"]],
}


def test_report_in_chromium(tmp_path: Path) -> None:
    db, out = tmp_path / "r.db", tmp_path / "report.html"
    story = reportdata.build(str(db), END)
    assert story.events > 500  # hundreds of events, four identities, six weeks
    res = CliRunner().invoke(main, ["--db", str(db), "report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    run = open_page(out)

    assert run.requests == [out.resolve().as_uri()], run.requests
    assert run.errors == []

    img = Image.open(io.BytesIO(run.png)).convert("RGB")
    assert img.size[1] == run.height > 2000
    charts = [b for b in run.boxes if b["tag"] == "svg" and b["cls"] == "chart"]
    gauges = [b for b in run.boxes if b["cls"] == "gauge"]
    # 4 identities x (counts, reasons, receivers) + 3 with rates x (bounce, complaint).
    assert len(charts) == 4 * 3 + 3 * 2
    assert len(gauges) == 3 * 2
    for box in charts:
        assert box["w"] > 300 and box["h"] > 40, box
        kind = box["label"].rsplit("-", 1)[-1]
        if kind == "receivers":
            assert colored(img, box) > 500, box
        else:
            assert count_near(img, box, EXPECTED[kind]) > 60, box
    for box in gauges:
        assert colored(img, box) > 20, box
    # The most urgent identity comes first, with its review badge.
    sections = [b["id"] for b in run.boxes if b["tag"] == "section" and b["id"]]
    assert sections[0] == "id-news-example-org"


def test_the_harness_sees_requests_and_errors(tmp_path: Path) -> None:
    """The checks above can fail: a page that fetches and logs is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://192.0.2.1/pixel.png" alt="">'
        '<script>console.error("drawn badly")</script><svg class="chart" width="300" height="150"></svg></body></html>'
    )
    run = open_page(bad, settle=1.0)
    assert "http://192.0.2.1/pixel.png" in run.requests
    assert any("drawn badly" in e for e in run.errors)
    img = Image.open(io.BytesIO(run.png)).convert("RGB")
    (box,) = [b for b in run.boxes if b["cls"] == "chart"]
    assert colored(img, box) == 0  # an empty chart is blank


def test_demo_report_in_chromium(tmp_path: Path) -> None:
    """The README's first command's report (docs/demo-report.png is this page, by scripts/report_screenshot.py --demo)."""
    from .conftest import FIXTURES

    out = tmp_path / "demo-report.html"
    cfg = ["--config", str(FIXTURES / "demo.toml"), "--db", str(tmp_path / "demo.db")]
    assert CliRunner().invoke(main, [*cfg, "poll"]).exit_code == 0
    res = CliRunner().invoke(main, [*cfg, "report", "--since", "2023-03-01", "--out", str(out)])
    assert res.exit_code == 0, res.output
    run = open_page(out)
    assert run.requests == [out.resolve().as_uri()] and run.errors == []
    img = Image.open(io.BytesIO(run.png)).convert("RGB")
    charts = [b for b in run.boxes if b["tag"] == "svg" and b["cls"] == "chart"]
    assert charts and all(colored(img, box) > 0 for box in charts)

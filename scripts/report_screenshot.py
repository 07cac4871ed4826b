"""Take the README's pictures of `feedback report`: ``python scripts/report_screenshot.py [--demo] [OUT.png]``.

``--demo``: the report the README's first command writes from the bundled mailbox
(fixtures/demo.toml), the whole page; default OUT docs/demo-report.png.

Writes the browser test's database (tests/reportdata.py: four identities over
six weeks, written through the real store), renders its report with
`feedback report`, opens it in headless Chromium (tests/browser.py, the same
harness the test uses, which also checks it fetched nothing and logged no
error) and keeps the top of the page: the identities' standing and the most
urgent identity's charts. Default OUT: docs/report.png. Needs chromium and
the test extra (pillow, websocket-client).
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402
from PIL import Image  # noqa: E402

from feedback.cli import main as feedback  # noqa: E402
from tests import reportdata  # noqa: E402
from tests.browser import open_page  # noqa: E402

END = "2026-11-27"


def main() -> None:
    args = sys.argv[1:]
    demo = "--demo" in args
    args = [a for a in args if a != "--demo"]
    default = "demo-report.png" if demo else "report.png"
    out = Path(args[0]) if args else ROOT / "docs" / default
    with tempfile.TemporaryDirectory(prefix="report-shot-") as tmp:
        page = Path(tmp) / "report.html"
        if demo:
            cfg = ["--config", str(ROOT / "fixtures" / "demo.toml"), "--db", str(Path(tmp) / "demo.db")]
            CliRunner().invoke(feedback, [*cfg, "poll"])
            res = CliRunner().invoke(feedback, [*cfg, "report", "--since", "2023-03-01", "--out", str(page)])
        else:
            db = Path(tmp) / "story.db"
            reportdata.build(str(db), END)
            res = CliRunner().invoke(feedback, ["--db", str(db), "report", "--out", str(page)])
        if res.exit_code != 0:
            raise SystemExit(res.output)
        run = open_page(page)
    if run.errors or run.requests != [page.resolve().as_uri()]:
        raise SystemExit(f"the page misbehaved: {run.errors} {run.requests}")
    img = Image.open(io.BytesIO(run.png)).convert("RGB")
    if not demo:
        first = next(b for b in run.boxes if b["tag"] == "section" and b["id"].startswith("id-"))
        img = img.crop((0, 0, img.size[0], int(first["y"] + first["h"] + 16)))
    # A 256-colour palette without dithering: the charts are flat colours, the file a third the size.
    img.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, optimize=True)
    print(f"{out}: {img.size[0]}x{img.size[1]}")


if __name__ == "__main__":
    main()

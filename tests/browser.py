"""Open a page in a real headless Chromium and report what it did: console errors, network requests, a screenshot.

Talks the DevTools protocol over its websocket (websocket-client): Chromium
runs with ``--remote-debugging-port=0`` and a throwaway profile, writes the
port it chose to ``DevToolsActivePort``; we attach to its blank page, enable
the Network, Runtime, Log and Page domains, navigate and collect their events.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    """The Chromium on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageRun:
    """What happened while a page loaded."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    boxes: list[dict[str, Any]] = field(default_factory=list)  # the charts' ids and document rectangles
    height: int = 0
    png: bytes = b""


class _Cdp:
    def __init__(self, url: str) -> None:
        import websocket

        # Chromium refuses websocket clients that send an Origin header it was not told to allow.
        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result", {}))
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        if any(e["method"] == method for e in self.events):
            return
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return
        raise TimeoutError(method)

    def close(self) -> None:
        self.ws.close()


BOXES_JS = """
JSON.stringify({
  height: Math.ceil(document.documentElement.scrollHeight),
  boxes: Array.from(document.querySelectorAll('svg.chart, svg.gauge, section')).map(e => {
    const r = e.getBoundingClientRect();
    return {tag: e.tagName.toLowerCase(), cls: e.getAttribute('class') || '', id: e.id || '',
            label: e.getAttribute('aria-labelledby') || '',
            x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height};
  })
})
"""


def open_page(path: Path, width: int = 1280, settle: float = 0.5) -> PageRun:
    """Load ``path`` (a local file) in headless Chromium; return its requests, errors, chart boxes and a
    full-page screenshot."""
    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium is not installed")
    profile = Path(tempfile.mkdtemp(prefix="report-chromium-"))
    proc = subprocess.Popen(
        [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
            f"--window-size={width},900", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    cdp: _Cdp | None = None
    try:
        port_file = profile / "DevToolsActivePort"
        end = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t.get("type") == "page")
        cdp = _Cdp(page["webSocketDebuggerUrl"])
        for domain in ("Network", "Runtime", "Log", "Page"):
            cdp.call(f"{domain}.enable")
        cdp.call("Page.navigate", url=path.resolve().as_uri())
        cdp.wait_for("Page.loadEventFired")
        time.sleep(settle)  # late console messages and requests
        info = json.loads(cdp.call("Runtime.evaluate", expression=BOXES_JS, returnByValue=True)["result"]["value"])
        shot = cdp.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": info["height"], "scale": 1},
        )
        run = PageRun(boxes=info["boxes"], height=info["height"], png=base64.b64decode(shot["data"]))
        for e in cdp.events:
            m, p = e["method"], e.get("params", {})
            if m == "Network.requestWillBeSent":
                run.requests.append(p["request"]["url"])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                run.errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                run.errors.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                run.errors.append(f"log: {p['entry'].get('source')}: {p['entry'].get('text')}")
        return run
    finally:
        if cdp is not None:
            cdp.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)

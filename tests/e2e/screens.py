"""Helpers of the browser tests that look at the screens: a viewport of an exact size,
full-page screenshots, and what makes a page wider than its window."""

import base64
from pathlib import Path


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport exactly ``width`` x ``height`` CSS pixels (a window can
    be no narrower than about 500 px in headless Chromium; the emulation can)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def screenshot(driver, path: Path) -> Path:
    """The whole page, beyond the viewport, as a PNG at ``path``."""
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


#: The elements that stick out of the window (sideways), outermost first, each with its
#: box and the start of its text: what to fix when a page scrolls sideways.
WIDER_THAN_THE_WINDOW = """
const width = window.innerWidth;
const out = (box) => box.right > width + 1 || box.left < -1;
const inScroller = (element) => {
  for (let p = element.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true;
  }
  return false;
};
return [...document.querySelectorAll('body *')]
  .filter(e => out(e.getBoundingClientRect()) && !out(e.parentElement.getBoundingClientRect())
               && !inScroller(e) && !e.classList.contains('skip-link'))
  .slice(0, 8)
  .map(e => {
    const box = e.getBoundingClientRect();
    const text = (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const where = `[${Math.round(box.left)}, ${Math.round(box.right)}]`;
    return `${e.tagName.toLowerCase()}.${e.className} ${where} ${text}`;
  });
"""

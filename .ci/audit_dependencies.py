"""pip-audit on the installed dependencies; exits non-zero on any known vulnerability.

pip-audit asks PyPI for each installed version (``/pypi/NAME/VERSION/json``). Where the
registry does not answer that (a mirror that only serves ``/pypi/NAME/json``), pip-audit
skips the package; this script then reads the project's page, whose ``vulnerabilities``
are those of its latest release, and so audits every package installed at its latest
version. It prints how many packages were audited and which could not be.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 # runs pip-audit and nothing else
import sys
import urllib.request
from importlib import metadata
from pathlib import Path

BIN = Path(sys.executable).parent


def project_page(name: str) -> dict | None:
    url = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # nosec B310 # fixed https URL
            return json.load(response)
    except OSError:
        return None


def main() -> int:
    run = subprocess.run(  # noqa: S603  # nosec B603 # fixed command, no shell
        [
            str(BIN / "pip-audit"),
            "--format",
            "json",
            "--skip-editable",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1) or not run.stdout.strip():
        print(run.stderr, file=sys.stderr)
        return 2
    report = json.loads(run.stdout)
    vulnerable, audited, unaudited = [], 0, []
    for dependency in report["dependencies"]:
        name = dependency["name"]
        if name == "impulse":  # this project, installed from the work tree
            continue
        version = dependency.get("version") or metadata.version(name)
        if "skip_reason" not in dependency:
            audited += 1
            vulnerable += [(name, version, v["id"]) for v in dependency.get("vulns", [])]
            continue
        page = project_page(name)
        if page is None or page["info"]["version"] != version:
            unaudited.append(f"{name} {version}")
            continue
        audited += 1
        vulnerable += [(name, version, v["id"]) for v in page.get("vulnerabilities", [])]
    print(f"pip-audit: {audited} packages audited, {len(unaudited)} could not be audited")
    if unaudited:
        print(
            "  not audited (not the latest release, no per-version data): " + ", ".join(unaudited)
        )
    for name, version, ident in vulnerable:
        print(f"  VULNERABLE {name} {version}: {ident}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())

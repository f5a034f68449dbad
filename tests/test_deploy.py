"""The deployment files in deploy/: systemd units that systemd itself accepts, an environment file documented line by
line (and in deploy/README.md), an nginx site with TLS and an upload limit no smaller than the application's."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SYSTEMD_ANALYZE = Path("/usr/bin/systemd-analyze")


def _verify(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SYSTEMD_ANALYZE), "verify", "--man=no", *sorted(map(str, folder.glob("*.service")))],
                          capture_output=True, text=True, check=False)


@pytest.mark.skipif(not SYSTEMD_ANALYZE.exists(), reason="systemd-analyze is not installed")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """The units as shipped name /opt/liuhen; here they point at this checkout's venv, which has both programs."""
    for unit in ("liuhen-web.service", "liuhen-worker.service"):
        (tmp_path / unit).write_text((DEPLOY / unit).read_text().replace("/opt/liuhen", str(ROOT)))
    done = _verify(tmp_path)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    web = (DEPLOY / "liuhen-web.service").read_text()
    assert "gunicorn" in web and "--workers ${LIUHEN_WEB_WORKERS}" in web and "ExecReload=/bin/kill -HUP $MAINPID" in web
    assert "liuhen worker" in (DEPLOY / "liuhen-worker.service").read_text()

    (tmp_path / "liuhen-web.service").write_text(web.replace("/opt/liuhen", str(ROOT)).replace("Restart=", "Restrat="))
    assert "Unknown key" in _verify(tmp_path).stderr  # the check does catch a broken unit


def test_the_environment_file_is_documented_line_by_line_and_in_the_readme():
    readme = (DEPLOY / "README.md").read_text()
    lines = (DEPLOY / "liuhen.env").read_text().splitlines()
    keys = []
    for i, line in enumerate(lines):
        m = re.match(r"#?([A-Z][A-Z0-9_]+)=", line)
        if m:
            keys.append(m.group(1))
            above = lines[i - 1]
            assert above.startswith("#"), f"{m.group(1)} has no comment above it"
    assert len(keys) >= 20
    assert not [k for k in keys if f"`{k}`" not in readme], "every variable is in deploy/README.md's table"


def test_the_nginx_site_terminates_tls_and_lets_uploads_of_the_applications_limit_through():
    site = (DEPLOY / "nginx-liuhen.conf").read_text()
    env = (DEPLOY / "liuhen.env").read_text()
    assert "listen 443 ssl" in site and "ssl_certificate_key" in site and "return 301 https://" in site
    limit = int(re.search(r"^LIUHEN_MAX_UPLOAD=(\d+)", env, re.M).group(1))
    size, unit = re.search(r"client_max_body_size (\d+)([kmg]?);", site).groups()
    assert int(size) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit] >= limit
    assert "X-Request-ID $request_id" in site and "location = /metrics" in site

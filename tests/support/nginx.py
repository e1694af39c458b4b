"""nginx with the production site configuration (deploy/nginx.conf) on a free loopback port,
in front of an upstream given by its port: what the nginx image does with the template, done
here, around a main configuration that keeps every file in a directory of the test's own.
"""

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.processes import stop_group, wait_until_answering
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN = """\
daemon off;
worker_processes 1;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    {access_log}
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""


def site_config(*, listen: int, upstream: str) -> str:
    """deploy/nginx.conf with its two variables filled in, as the nginx image does."""
    text = TEMPLATE.read_text()
    return text.replace("${VERDICTS_LISTEN}", str(listen)).replace("${VERDICTS_UPSTREAM}", upstream)


class Nginx:
    """``access_log``: a path to log each request's status and times to (for benchmarks)."""

    def __init__(self, *, upstream_port: int, workdir: Path, access_log: Path | None = None):
        self.upstream = f"127.0.0.1:{upstream_port}"
        self.dir = workdir
        self.access_log = access_log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "site.conf").write_text(site_config(listen=self.port, upstream=self.upstream))
        log = "access_log off;"
        if self.access_log:
            log = (
                "log_format timing '$status $request_time $upstream_response_time';\n"
                f"    access_log {self.access_log} timing buffer=64k;"
            )
        main = MAIN.format(
            dir=self.dir,
            # As root, nginx's workers would run as nobody, who cannot reach the test's files.
            user="user root;" if os.geteuid() == 0 else "",
            access_log=log,
        )
        path = self.dir / "nginx.conf"
        path.write_text(main)
        return path

    def log(self) -> str:
        path = self.dir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> "Nginx":
        config = self._write_config()
        self.process = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(self.dir), "-e", str(self.dir / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_answering(
            f"{self.base}/ping",
            self.process,
            seconds=15,
            failed=lambda: f"nginx did not start:\n{self.log()[-3000:]}",
        )
        return self

    def __exit__(self, *exc) -> None:
        stop_group(self.process)

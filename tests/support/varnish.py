"""varnishd with the production configuration (deploy/varnish.vcl) on a free loopback port,
in front of an upstream given by its port, its files in a directory of the test's own.

Besides the port readers use, it listens on a second one that takes the PROXY protocol:
a request sent there says which address it comes from, so a test can send a purge as if
from outside the purgers' network.
"""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

from tests.support.processes import stop_group, wait_until_answering
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "deploy" / "varnish.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
INSTALLED = Path(VARNISHD).exists()


def vcl_for(*, upstream: str) -> str:
    """deploy/varnish.vcl with the backend at ``upstream`` (host:port) instead of web:8000."""
    host, port = upstream.rsplit(":", 1)
    text = VCL.read_text()
    text, hosts = re.subn(r'\.host = "web";', f'.host = "{host}";', text)
    text, ports = re.subn(r'\.port = "8000";', f'.port = "{port}";', text)
    assert hosts == ports == 1, "deploy/varnish.vcl names its backend as web:8000"
    return text


class Varnish:
    def __init__(self, *, upstream_port: int, workdir: Path, port: int | None = None):
        self.upstream = f"127.0.0.1:{upstream_port}"
        self.dir = workdir
        self.port = port or free_port()
        self.proxy_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        path = self.dir / "varnishd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def send_via_proxy_protocol(self, source: str, request: bytes) -> bytes:
        """``request`` sent to the PROXY port as from ``source``: the answer, whole."""
        header = f"PROXY TCP4 {source} 127.0.0.1 40000 {self.proxy_port}\r\n".encode()
        with socket.create_connection(("127.0.0.1", self.proxy_port), timeout=10) as conn:
            conn.sendall(header + request)
            received = b""
            while chunk := conn.recv(65536):
                received += chunk
        return received

    def __enter__(self) -> "Varnish":
        self.dir.mkdir(parents=True, exist_ok=True)
        vcl = self.dir / "varnish.vcl"
        vcl.write_text(vcl_for(upstream=self.upstream))
        with (self.dir / "varnishd.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    VARNISHD,
                    "-F",
                    "-n",
                    str(self.dir / "instance"),
                    "-a",
                    f"127.0.0.1:{self.port}",
                    "-a",
                    f"proxied=127.0.0.1:{self.proxy_port},PROXY",
                    "-f",
                    str(vcl),
                    "-s",
                    "malloc,64m",
                    # As root, the workers would run as the varnish user, who cannot reach
                    # the test's own directory; as anyone else, as themselves anyway.
                    *(["-j", "none"] if os.geteuid() == 0 else []),
                    "-p",
                    "thread_pools=1",
                    "-p",
                    "thread_pool_min=5",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_answering(
            f"{self.base}/ping",
            self.process,
            seconds=30,
            failed=lambda: f"varnishd did not start:\n{self.log()[-3000:]}",
        )
        return self

    def __exit__(self, *exc) -> None:
        stop_group(self.process)

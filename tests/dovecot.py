"""A throwaway Dovecot on loopback for the IMAP tests (recipe: shared notes, dovecot-test-server.md).

Runs from its own config in a short /tmp folder (Unix sockets need short paths; Dovecot's users
must traverse it), with a self-signed certificate and one password for every user name, so each
test isolates itself with a fresh user. Started once per test session.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "testpass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Dovecot:
    """A running server: where it listens and how to trust it."""

    root: Path
    conf: Path
    cert: Path
    imap_port: int
    imaps_port: int
    proc: subprocess.Popen[bytes]
    move: bool = True
    prefix: str = ""

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def log(self) -> str:
        return (self.root / "dovecot.log").read_text(errors="replace")

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user / "Maildir"

    def doveadm(self, *args: str, stdin: bytes | None = None) -> str:
        out = subprocess.run(["doveadm", "-c", str(self.conf), *args], input=stdin, capture_output=True, check=True)
        return out.stdout.decode()

    def deliver(self, user: str, messages: list[bytes], folder: str = "INBOX") -> None:
        """Write messages straight into the user's Maildir (fast seeding, as the notes measured)."""
        base = self.maildir(user) if folder == "INBOX" else self.maildir(user) / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        uid = int(_dovecot_uid())
        for i, data in enumerate(messages):
            name = f"{time.time_ns()}.{os.getpid()}_{i}.test"
            tmp = base / "tmp" / name
            tmp.write_bytes(data)
            os.rename(tmp, base / "new" / name)
        for path in [self.root / "mail" / user, *(self.root / "mail" / user).rglob("*")]:
            os.chown(path, uid, uid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)

    def start(self) -> None:
        self.proc = _spawn(self.conf, self.imap_port)


def _dovecot_uid() -> int:
    import pwd

    return pwd.getpwnam("dovecot").pw_uid


def _spawn(conf: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(["dovecot", "-F", "-c", str(conf)], start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dovecot failed to start: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as s:
                if s.recv(4) == b"* OK":
                    return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not answer on its port")


def start_dovecot(*, move: bool = True, idle: bool = True, prefix: str = "") -> Dovecot:
    """Start a Dovecot (needs root and Debian's dovecot-imapd).

    ``prefix="INBOX."`` lays folders out as Courier and Debian's Cyrus do: every
    personal folder under INBOX, separator ".", no top-level folder allowed.
    """
    if shutil.which("dovecot") is None:
        raise RuntimeError("dovecot is not installed (apt-get install -y dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))
    root.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    uid = _dovecot_uid()
    os.chown(root / "mail", uid, uid)
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    imap_port, imaps_port = free_port(), free_port()
    namespace = ""
    if prefix:
        namespace = f"namespace inbox {{\n  inbox = yes\n  prefix = {prefix}\n  separator = .\n}}\n"
    capability = ""
    if not move or not idle:
        caps = ["IMAP4rev1", "LITERAL+", "UIDPLUS", "NAMESPACE", "CHILDREN"] + ["MOVE"] * move + ["IDLE"] * idle
        capability = f"imap_capability = {' '.join(caps)}\n"
    # A static password doubles as an OAuth2 token: the server offering OAUTHBEARER
    # is the one with MOVE; the other offers XOAUTH2 only.
    mechanisms = "plain login xoauth2 oauthbearer" if move else "plain login xoauth2"
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""instance_name = dovecot-{root.name}
base_dir = {root}/run
state_dir = {root}/state
protocols = imap
auth_mechanisms = {mechanisms}
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
mail_max_userip_connections = 100
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%n
}}
first_valid_uid = 1
mail_location = maildir:~/Maildir
{namespace}{capability}service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = yes
  }}
}}
"""
    )
    proc = _spawn(conf, imap_port)
    return Dovecot(
        root=root, conf=conf, cert=cert, imap_port=imap_port, imaps_port=imaps_port, proc=proc, move=move, prefix=prefix
    )

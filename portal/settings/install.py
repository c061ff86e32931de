"""What `make run` (portal.settings.dev) works out on the machine it runs on: a secret key of this install and
the host names this machine answers to on its LAN. Not a settings module itself."""

import os
import secrets
import socket
from pathlib import Path


def install_secret_key(path: Path) -> str:
    """The install's secret key, kept in `path` (mode 0600, under the data directory that .gitignore covers);
    made on first use. Sessions, password reset links and signed values survive restarts, and no two installs
    share a key."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def _bracketed(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def lan_hosts() -> list[str]:
    """The names and addresses this machine answers to: the loopback, its host name (and `<name>.local`, as
    mDNS announces it), the addresses of that name and the address its default route leaves by. Not "*": a
    password reset e-mail's link is built from the request's Host, so an unknown Host must be refused."""
    hosts = {"127.0.0.1", "localhost", "[::1]"}
    try:
        name = socket.gethostname().lower()
    except OSError:
        name = ""
    if name:
        hosts.update({name, f"{name}.local"})
        try:
            for info in socket.getaddrinfo(name, None):
                hosts.add(_bracketed(info[4][0].split("%", 1)[0]))
        except OSError:
            pass
    for family, probe in ((socket.AF_INET, "10.255.255.255"), (socket.AF_INET6, "fd00::1")):
        try:
            # connect() on UDP sends nothing: it only picks the interface the route leaves by.
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 1))
                hosts.add(_bracketed(s.getsockname()[0].split("%", 1)[0]))
        except OSError:
            pass
    return sorted(hosts)

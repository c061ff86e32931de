"""`make bench`: start the production stack on this machine and measure it, in one run.

1. PostgreSQL databases `pelita_bench` (national data) and `pelita_bench_small` (small data), created when
   missing, migrated, loaded once by `generate_load_data` (cached by its marker row), static files collected
   into whitenoise's compressed manifest storage.
2. Two uvicorn workers with the bench settings (= production over plain HTTP, plus /bench/baseline/).
3. Per page, at 1, 10 and 50 concurrent connections: wrk runs alternating page and baseline (same server,
   middleware, session); medians of the runs' requests/s, p50 and p99.
4. Queries per page at small and national scale (bench/querycount.py, Django's test client).
5. Page weight: the page and its CSS, JS, fonts and images as sent with Accept-Encoding: gzip, br.
6. Notification commit-to-receipt at 1,000 open WebSockets (bench/ws_clients.py).
7. Peak resident memory of each worker (VmHWM in /proc).
It writes docs/PERFORMANCE.md's top section and var/bench/latest.json.

    python bench/run.py                       # the full run (national scale)
    python bench/run.py --scale small --quick # a short run to check the harness
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
OUT = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
WEIGHT_BUDGET, JS_BUDGET = 60 * 1024, 20 * 1024


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


def args_parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=["small", "national"], default="national")
    p.add_argument("--quick", action="store_true", help="one 2-second run per point (debugging the harness)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    p.add_argument("--concurrency", default="1,10,50")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--sockets", type=int, default=1000)
    pg = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    p.add_argument("--database-url", help="default: pelita_bench (national) or pelita_bench_small (small)")
    p.add_argument("--small-database-url", default=os.environ.get("BENCH_SMALL_DATABASE_URL", f"{pg}/pelita_bench_small"))  # fmt: skip
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"))
    p.add_argument("--no-doc", action="store_true", help="do not rewrite docs/PERFORMANCE.md")
    p.add_argument("--mix-seconds", type=int, default=90, help="the realistic mix's length (0: not run)")
    p.add_argument("--mix-readers", type=int, default=10, help="people of the mix who read pages")
    a = p.parse_args()
    if a.quick:
        a.runs, a.duration = 1, 2
    a.concurrency = [int(c) for c in a.concurrency.split(",")]
    if not a.database_url:
        a.database_url = os.environ.get("BENCH_DATABASE_URL") or (
            f"{pg}/pelita_bench" if a.scale == "national" else a.small_database_url
        )
    return a


def env_for(database_url: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.bench",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PELITA_CHANNEL_PREFIX="pelita_bench",
        PELITA_CACHE_PREFIX="pelita_bench",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env, *argv) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *argv], env=env, cwd=ROOT, check=True)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("installing wrk (apt-get install -y wrk)")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("wrk is missing and could not be installed: apt-get install wrk")


def prepare(env, scale: str) -> float:
    started = time.monotonic()
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_load_data", "--scale", scale)
    # The generator bulk-loads around the models: the dashboard's summaries are built once here (a refresh with
    # nothing built yet is the full rebuild; afterwards it only rebuilds what writes marked stale).
    manage(env, "dashboard_summaries")
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`uvicorn --workers N`, as `make serve` runs it (bench settings instead of production)."""

    def __init__(self, env, workers: int, name: str = "server"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [
            PY, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(workers), "--ws", "websockets", "--lifespan", "off", "--log-level", "warning",
            "--no-access-log", "--no-server-header",
        ]  # fmt: skip
        self.log = open(OUT / f"{name}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit(f"the server did not start: see {OUT / f'{name}.log'}")
            time.sleep(0.3)
        deadline = time.monotonic() + 30
        while len(self.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.3)

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        # The multiprocessing resource tracker is a child too: workers are the ones running uvicorn.
        return [p for p in pids if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()]

    def peak_rss(self) -> dict[int, int]:
        out = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[pid] = int(line.split()[1]) * 1024
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# --- throughput ------------------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk(binary: str, url: str, script: Path, connections: int, duration: int) -> dict:
    cmd = [binary, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s", "-s", str(script), url]  # fmt: skip
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    done = int(re.search(r"(\d+) requests in", text).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", text).group(1)) if done else float("nan")
    p99 = _ms(re.search(r"\s99%\s+(\S+)", text).group(1)) if done else float("nan")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def lua_for(cookie: str, who: str) -> Path:
    path = OUT / f"session-{who}.lua"
    path.write_text(
        f'wrk.headers["Cookie"] = "sessionid={cookie}; pelita_language=id"\n'
        'wrk.headers["Accept-Encoding"] = "gzip, br"\n'
    )
    return path


def settle(base: str, baseline_url: str, cookie: str) -> None:
    """wrk stops at the deadline, but the workers still finish the requests they had queued: wait until the
    baseline answers fast twice in a row (at most 40 s) so that one run's backlog does not bill the next."""
    import httpx

    fast, deadline = 0, time.monotonic() + 40
    with httpx.Client(cookies={"sessionid": cookie}, timeout=15) as client:
        while fast < 2 and time.monotonic() < deadline:
            t = time.monotonic()
            try:
                client.get(base + baseline_url)
            except httpx.HTTPError:
                fast = 0
                continue
            fast = fast + 1 if time.monotonic() - t < 0.1 else 0


def measure(binary, base, url, baseline_url, script, cookie, concurrency, runs, duration) -> dict:
    page_runs, base_runs = [], []
    for _ in range(runs):
        page_runs.append(wrk(binary, base + url, script, concurrency, duration))
        settle(base, baseline_url, cookie)
        base_runs.append(wrk(binary, base + baseline_url, script, concurrency, duration))
        settle(base, baseline_url, cookie)

    def med(rs, key):
        return statistics.median(r[key] for r in rs)

    out = {}
    for name, rs in (("page", page_runs), ("baseline", base_runs)):
        out[name] = {k: med(rs, k) for k in ("rps", "p50", "p99")}
        out[name]["errors"] = sum(r["non2xx"] + r["socket_errors"] for r in rs)
        out[name]["runs"] = [round(r["rps"], 1) for r in rs]
    out["ratio"] = out["page"]["rps"] / out["baseline"]["rps"] if out["baseline"]["rps"] else 0.0
    return out


# --- page weight -----------------------------------------------------------------------------------------

ASSET_RE = [
    re.compile(r"<link\b[^>]*\bhref=\"([^\"]+)\"[^>]*>", re.I),
    re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.I),
    re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", re.I),
]
JS_IMPORT_RE = re.compile(r"""(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?['"]([^'"]+\.m?js)['"]|import\(\s*['"]([^'"]+)['"]\s*\)""")  # fmt: skip
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def kind_of(url: str) -> str:
    path = urlsplit(url).path.lower()
    if path.endswith(".css"):
        return "css"
    if path.endswith((".js", ".mjs")):
        return "js"
    if path.endswith((".woff2", ".woff", ".ttf", ".otf")):
        return "font"
    return "image"


def page_weight(client, base: str, url: str) -> dict:
    response = client.get(base + url)
    html = response.text
    encoding = response.headers.get("content-encoding", "")
    if encoding:
        html_wire, html_note = response.num_bytes_downloaded, encoding
    else:
        # Django sends HTML uncompressed; the reverse proxy (docs/DEPLOY.md: gzip on, level 6) compresses it.
        html_wire, html_note = len(gzip.compress(response.content, 6)), "gzip 6 by the proxy"
    sizes = {"html": html_wire, "css": 0, "js": 0, "font": 0, "image": 0}
    seen: set[str] = set()
    queue = []
    for regex in ASSET_RE:
        for tag_match in regex.finditer(html):
            tag = tag_match.group(0)
            href = tag_match.group(1)
            if tag.lower().startswith("<link") and not re.search(r'rel="(stylesheet|icon|modulepreload|preload)"', tag):  # fmt: skip
                continue
            queue.append(urljoin(base + url, href))
    assets = []
    while queue:
        asset = queue.pop()
        if asset in seen or not asset.startswith(base):
            continue
        seen.add(asset)
        r = client.get(asset)
        if r.status_code != 200:
            assets.append({"url": asset[len(base) :], "status": r.status_code})
            continue
        kind = kind_of(asset)
        sizes[kind] += r.num_bytes_downloaded
        assets.append({"url": asset[len(base) :], "bytes": r.num_bytes_downloaded, "encoding": r.headers.get("content-encoding", "")})  # fmt: skip
        if kind == "js":
            for m in JS_IMPORT_RE.finditer(r.text):
                queue.append(urljoin(asset, m.group(1) or m.group(2)))
        elif kind == "css":
            for m in CSS_URL_RE.finditer(r.text):
                ref = m.group(1) or m.group(2)
                if not ref.startswith("data:"):
                    queue.append(urljoin(asset, ref))
    return {"total": sum(sizes.values()), "sizes": sizes, "html_encoding": html_note, "assets": assets}


# --- notifications ---------------------------------------------------------------------------------------


def notification_latency(env, base: str, sockets: int) -> dict:
    """Open `sockets` WebSockets (one person each, as far as there are people), then time notifications from
    the commit of the writing transaction to their arrival: one person at a time, then one to everybody."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from portal.notifications.services import notify

    User = get_user_model()
    people = list(User.objects.filter(username__startswith="lg_", is_active=True).order_by("pk")[:sockets])
    cookies, owners = [], []
    for i in range(sockets):
        user = people[i % len(people)]
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        cookies.append(s.session_key)
        owners.append(user)
    cookie_file = OUT / "ws-cookies.json"
    cookie_file.write_text(json.dumps(cookies))
    ws_url = base.replace("http://", "ws://") + "/ws/notifications/"
    client = subprocess.Popen(
        [PY, str(ROOT / "bench" / "ws_clients.py"), ws_url, base, str(cookie_file)],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    ready = client.stdout.readline().split()
    connected, failed = int(ready[1]), int(ready[2])
    log(f"  {connected} sockets open ({failed} failed)")
    sent: dict[int, float] = {}
    fanout_ids: list[int] = []
    params = {"case": "APM-5202-00001", "service": "Akta kelahiran"}
    rng = random.Random(1)
    distinct = list({u.pk: u for u in owners}.values())
    for _ in range(200):
        user = rng.choice(distinct)
        with transaction.atomic():
            made = notify(recipients=[user], kind="referral.message", params=params, url="/cases/")
            t0 = time.time()  # the commit follows: on_commit pushes to the channel layer
        for n in made:
            sent[n.pk] = t0
        time.sleep(0.02)
    time.sleep(1)
    for _ in range(3):
        with transaction.atomic():
            made = notify(recipients=distinct, kind="referral.message", params=params, url="/cases/")
            t0 = time.time()
        for n in made:
            sent[n.pk] = t0
            fanout_ids.append(n.pk)
        time.sleep(3)
    out, _ = client.communicate("stop\n", timeout=120)
    receipts = {int(k): v for k, v in json.loads(out.strip().splitlines()[-1])["receipts"].items()}
    fanout = set(fanout_ids)
    one, many, missing = [], [], 0
    for pk, t0 in sent.items():
        times = receipts.get(pk)
        if not times:
            missing += 1
            continue
        (many if pk in fanout else one).extend((t - t0) * 1000 for t in times)

    def pct(values, q):
        if not values:
            return None
        values = sorted(values)
        return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]

    return {
        "sockets": connected,
        "failed": failed,
        "people": len(distinct),
        "single": {"n": len(one), "p50": pct(one, 50), "p99": pct(one, 99)},
        "fanout": {"n": len(many), "p50": pct(many, 50), "p99": pct(many, 99), "recipients": len(distinct)},
        "missing": missing,
    }


# --- the realistic mix: how often a cached page is a hit ----------------------------------------------------


def mix_hit_ratio(seconds: int, readers: int) -> dict:
    """Run the reliability load generator (bench/reliability/load.py: 50 people, cadres posting in five threads,
    case workers and liaisons at work, `readers` of them reading /home/ and those threads in a browser) on its own
    database and Redis, and count the `X-Page-Cache` answers of the pages its readers saw."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")
    }
    cmd = [PY, str(ROOT / "bench" / "reliability" / "load.py"), "--duration", str(seconds), "--readers", str(readers)]  # fmt: skip
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        log(f"the mix failed: {done.stderr[-2000:]}")
        return {}
    result = json.loads((ROOT / "var" / "reliability" / "none.json").read_text())
    return {"seconds": seconds, "people": result["people"], "requests": result["requests"],
            "server_errors": result["server_errors"], "page_cache": result.get("page_cache", {})}  # fmt: skip


def blended(hit_ratio: float, hit: float, miss: float) -> float:
    """The throughput ratio of a page served `hit_ratio` of the time from the cache: costs add up per request,
    so the blend is the harmonic mean of the two throughput ratios weighted by their shares."""
    return 1 / (hit_ratio / hit + (1 - hit_ratio) / miss)


# --- report ----------------------------------------------------------------------------------------------


def fmt_kb(n: int | None) -> str:
    return "–" if n is None else f"{n / 1024:.1f}"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split(" ")[2:3]  # fmt: skip
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} GB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {pg}, Redis {redis[0].replace('v=', '') if redis else '?'}"
    )


def render(results: dict) -> str:
    from pages import PAGES

    r = results
    lines = [
        START,
        "## `make bench`",
        "",
        f"Measured {r['date']} on {r['machine']}. Command: `{r['command']}` (took {r['took_min']:.1f} min; "
        f"{r['scale']} data: {r['data']}; generated once in {r['generation_seconds'] / 60:.0f} min by "
        f"`generate_load_data --scale {r['scale']}`, then cached by its marker row). Two uvicorn workers with `portal.settings.bench` (production "
        "settings over plain HTTP), PostgreSQL and Redis on the same host; wrk (1 thread) as the client, "
        f"{r['runs']} runs of at least {r['duration']} s per point (longer, and then one run, where the page's "
        "latency at that concurrency needs it), page and baseline alternating; medians. "
        f"Load average when the measurements started {r['load_before']:.1f}, at the end {r['load_after']:.1f} "
        "(anything above 2 on this machine means other work competed for the cores: absolute figures are then "
        "inflated; the page/baseline ratios, measured seconds apart, much less).",
        "",
        "Throughput in requests/s, page / baseline (ratio) at each concurrency; latency p50 / p99 in ms of the "
        "page at that concurrency; “alone ms”: one request on its own through the server (median of 3). The baseline renders a trivial template for the same person through the same "
        "server, middleware and session. Targets: forum and thread pages ≥ 0.5 of the baseline, others ≥ 0.25.",
        "",
    ]
    cs = r["concurrency"]
    head = "| page | queries small / national | alone ms | " + " | ".join(f"c={c}: req/s (ratio)" for c in cs)
    head += " | " + " | ".join(f"c={c} p50/p99 ms" for c in cs) + " | weight KB (JS) | verdict |"
    lines += [head, "|" + "---|" * (5 + 2 * len(cs))]
    for page in PAGES:
        row = r["pages"].get(page.key, {})
        if row.get("state") != "ok":
            lines.append(f"| {page.title} | {row.get('state', 'not yet built')} |" + " |" * (2 * len(cs) + 3))
            continue
        q = row["queries"]
        cells = [f"{q.get('small', '–')} / {q.get('national', '–')}", f"{row['single_request_ms']:.0f}"]
        for c in cs:
            m = row["load"][str(c)]
            cells.append(
                f"{m['page']['rps']:.1f} / {m['baseline']['rps']:.0f} ({m['ratio']:.2f})" if m else "not run¹"
            )
        for c in cs:
            m = row["load"][str(c)]
            cells.append(f"{m['page']['p50']:.0f} / {m['page']['p99']:.0f}" if m else "–")
        w = row["weight"]
        cells.append(f"{fmt_kb(w['total'])} ({fmt_kb(w['sizes']['js'])})")
        cells.append("; ".join(row["verdict"]) or "meets budgets")
        lines.append(f"| {page.title} | " + " | ".join(cells) + " |")
    if any(m is None for row in r["pages"].values() for m in (row.get("load") or {}).values()):
        lines += [
            "",
            "¹ Not run: at this concurrency the page's expected latency (concurrency × its time alone / cores) "
            "would exceed 15 s: wrk would only count timeouts and leave minutes of work behind for the next run.",
        ]
    base = r.get("baseline")
    if base:
        lines += ["", f"Baseline alone: {', '.join(f'c={c}: {base[str(c)]:.0f} req/s' for c in cs)}."]
    n = r.get("notifications")
    if n and n["sockets"] and n["single"]["n"] and n["fanout"]["n"]:
        lines += [
            "",
            f"Notifications, commit to receipt, {n['sockets']} WebSockets open ({n['people']} people, both "
            f"workers): one person at a time p50 {n['single']['p50']:.1f} ms / p99 {n['single']['p99']:.1f} ms "
            f"({n['single']['n']} notifications); one notification to all {n['fanout']['recipients']} people "
            f"p50 {n['fanout']['p50']:.0f} ms / p99 {n['fanout']['p99']:.0f} ms ({n['fanout']['n']} receipts); "
            f"{n['missing']} not received.",
        ]
    elif n:
        lines += [
            "",
            f"Notifications: {n['sockets']} of {n['sockets'] + n['failed']} sockets connected, "
            f"{n['missing']} notifications not received: no latency figure (see var/bench/server.log).",
        ]
    mix = r.get("mix") or {}
    pc = mix.get("page_cache") or {}
    if pc.get("hit_ratio") is not None:
        views = {k: v for k, v in pc.items() if k != "hit_ratio"}
        counted = ", ".join(f"{k}: {v['hit']} hits / {v['hit'] + v['miss']} views" for k, v in views.items())
        line = (
            f"Page-cache hit ratio of a realistic mix (bench/reliability/load.py, {mix['seconds']} s: "
            f"{mix['people'].get('cadres')} cadres posting in 5 threads through the API, "
            f"{mix['people'].get('readers')} people reading those threads and the home page in a browser, case "
            f"workers and liaisons at work; {mix['requests']:,} requests, {mix['server_errors']} 5xx): "
            f"**{pc['hit_ratio']:.0%}** ({counted})."
        )
        hit, miss = r["pages"].get("thread", {}), r["pages"].get("thread_miss", {})
        blends = []
        for c in cs:
            mh, mm = (hit.get("load") or {}).get(str(c)), (miss.get("load") or {}).get(str(c))
            if mh and mm and mh["ratio"] and mm["ratio"]:
                blends.append(f"c={c}: {blended(pc['hit_ratio'], mh['ratio'], mm['ratio']):.2f}")
        if blends:
            line += " Blended thread-page ratio at that hit ratio (the hit and miss rows above): " + ", ".join(blends) + "."  # fmt: skip
        lines += ["", line]
    mem = r.get("memory")
    if mem:
        lines += [
            "",
            "Peak memory (VmHWM) per worker after the whole run: "
            + ", ".join(f"{v / 2**20:.0f} MB" for v in mem.values())
            + ".",
        ]
    lines += [
        "",
        "Page weight: the HTML (compressed by the reverse proxy, gzip level 6, as docs/DEPLOY.md configures it; "
        "Django itself sends it uncompressed) plus every stylesheet, script (with its imports), font and image "
        "it links, as whitenoise sends them with `Accept-Encoding: gzip, br`. Budget 60 KB, JavaScript < 20 KB.",
        "Raw figures: `var/bench/latest.json` after a run.",
        END,
    ]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        # First section of the file: after the title and its introduction, before the first "## ".
        at = text.find("\n## ")
        text = (
            text.rstrip("\n") + "\n\n" + section + "\n"
            if at < 0
            else text[: at + 1] + section + "\n\n" + text[at + 1 :]
        )
    DOC.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    a = args_parse()
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    binary = ensure_wrk()
    env = env_for(a.database_url, a.redis_url)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "PELITA_CHANNEL_PREFIX", "PELITA_CACHE_PREFIX")})  # fmt: skip
    log(f"data: {a.scale} scale in {urlsplit(a.database_url).path.lstrip('/')} (generated once, then cached)")
    prep = prepare(env, a.scale)
    small_env = None
    if a.scale == "national":
        # Its own cache namespace: version keys are by id, and ids of the two scales coincide.
        small_env = {
            **env_for(a.small_database_url, a.redis_url),
            "PELITA_CACHE_PREFIX": "pelita_bench_small",
        }
        log("data: small scale for the query counts")
        prepare(small_env, "small")
    log("collectstatic (whitenoise compressed manifest)")
    manage(env, "collectstatic", "--noinput", "-v0")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pages import BASELINE, PAGES, page_url

    from bench.loadgen.models import LoadRun

    run = LoadRun.objects.get(scale=a.scale)
    info = run.info

    log("queries per page")

    def count_queries(scale_name, scale_env):
        done = subprocess.run([PY, str(ROOT / "bench" / "querycount.py"), scale_name], env=scale_env, capture_output=True, text=True)  # fmt: skip
        if done.returncode:
            log(f"query count at {scale_name} scale failed: {done.stderr[-2000:]}")
            return {}
        return json.loads(done.stdout)

    queries = {a.scale: count_queries(a.scale, env)}
    if small_env:
        queries["small"] = count_queries("small", small_env)

    cookies, scripts = {}, {}
    for who in ("member", "liaison", "coordinator"):
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(get_user_model().objects.get(username=info[who]))
        cookies[who] = c.cookies["sessionid"].value
        scripts[who] = lua_for(cookies[who], who)

    log(f"starting {a.workers} uvicorn workers")
    server = Server(env, a.workers)
    miss_server = None  # started for the first page measured on a cache that keeps nothing (Page.miss)
    import httpx

    results = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "command": "make bench"
        if a.scale == "national" and not a.quick
        else "python bench/run.py " + " ".join(sys.argv[1:]),  # fmt: skip
        "scale": a.scale,
        "data": ", ".join(
            f"{v:,} {k}"
            for k, v in run.counts.items()
            if k in ("areas", "forums", "people", "threads", "posts", "cases", "referrals")
        ),  # fmt: skip
        "generation_seconds": run.seconds,
        "prepare_seconds": prep,
        "runs": a.runs,
        "duration": a.duration,
        "concurrency": a.concurrency,
        "pages": {},
        "baseline": {},
        "load_before": os.getloadavg()[0],
    }
    try:
        baseline_url = page_url(BASELINE, info)
        for page in PAGES:
            url = page_url(page, info)
            row = {"url": url}
            results["pages"][page.key] = row
            if url is None:
                row["state"] = "not yet built"
                continue
            if page.miss and miss_server is None:
                log(
                    f"starting {a.workers} more uvicorn workers whose page cache keeps nothing (the miss rows)"
                )
                miss_server = Server(
                    {**env, "PELITA_PAGE_CACHE_SECONDS": "0", "PELITA_CACHE_PREFIX": "pelita_bench_miss"},
                    a.workers,
                    name="server-miss",
                )
            srv = miss_server if page.miss else server
            with httpx.Client(cookies={"sessionid": cookies[page.who]}, headers={"Accept-Encoding": "gzip, br"}, timeout=30) as client:  # fmt: skip
                status = client.get(srv.base + url).status_code
                base_status = client.get(srv.base + baseline_url).status_code
                if status != 200 or base_status != 200:
                    row["state"] = f"HTTP {status} (not yet built or broken)"
                    log(f"{page.title}: HTTP {status} at {url}; baseline {base_status}")
                    continue
                row["state"] = "ok"
                row["weight"] = page_weight(client, srv.base, url)
            row["queries"] = {s: q.get(page.key, {}).get("queries") for s, q in queries.items()}
            row["load"] = {}
            # Warm both the page and the baseline on both workers, then time one request on its own.
            wrk(binary, srv.base + url, scripts[page.who], 2, 2)
            settle(srv.base, baseline_url, cookies[page.who])
            with httpx.Client(cookies={"sessionid": cookies[page.who]}, timeout=60) as client:
                single = []
                for _ in range(3):
                    t = time.monotonic()
                    client.get(srv.base + url)
                    single.append(time.monotonic() - t)
            t1 = statistics.median(single)
            row["single_request_ms"] = t1 * 1000
            # Each run lasts long enough for every connection to complete a few requests: the expected latency
            # at c connections is about max(t1, c × t1 / cores). A concurrency whose latency would exceed 15 s is
            # not run (wrk would only count timeouts and leave minutes of work behind for the next run); runs
            # longer than 10 s are done once instead of several times.
            for c in a.concurrency:
                latency = max(t1, c * t1 / (os.cpu_count() or 1))
                if c > 1 and latency > 15:
                    row["load"][str(c)] = None
                    log(f"{page.title} c={c}: not run ({t1 * 1000:.0f} ms per request on its own)")
                    continue
                duration = max(a.duration, min(30, math.ceil(4 * latency)))
                runs = a.runs if duration <= 10 else 1
                m = measure(binary, srv.base, url, baseline_url, scripts[page.who], cookies[page.who], c, runs, duration)  # fmt: skip
                row["load"][str(c)] = m
                results["baseline"].setdefault(str(c), []).append(m["baseline"]["rps"])
                log(f"{page.title} c={c}: {m['page']['rps']:.1f} req/s vs baseline {m['baseline']['rps']:.0f} (ratio {m['ratio']:.2f}), p50 {m['page']['p50']:.0f} ms, p99 {m['page']['p99']:.0f} ms")  # fmt: skip
            verdict = []
            measured = [m for m in row["load"].values() if m]
            worst = min(m["ratio"] for m in measured)
            if worst < page.target:
                verdict.append(f"ratio {worst:.2f} < {page.target}")
            if row["weight"]["total"] > WEIGHT_BUDGET:
                verdict.append(f"weight {fmt_kb(row['weight']['total'])} KB > 60")
            if row["weight"]["sizes"]["js"] > JS_BUDGET:
                verdict.append(f"JS {fmt_kb(row['weight']['sizes']['js'])} KB > 20")
            q = row["queries"]
            if len(set(q.values())) > 1:
                verdict.append("query count grows with data")
            errors = sum(m["page"]["errors"] + m["baseline"]["errors"] for m in measured)
            if errors:
                verdict.append(f"{errors} failed requests")
            row["verdict"] = verdict
        results["baseline"] = {c: statistics.median(v) for c, v in results["baseline"].items()}
        if a.sockets:
            log(f"notifications at {a.sockets} sockets")
            results["notifications"] = notification_latency(env, server.base, a.sockets)
            log(f"  {results['notifications']}")
        results["memory"] = {str(k): v for k, v in server.peak_rss().items()}
    finally:
        server.stop()
        if miss_server is not None:
            miss_server.stop()
    if a.mix_seconds:
        log(f"the realistic mix ({a.mix_seconds} s, {a.mix_readers} readers): page-cache hit ratio")
        results["mix"] = mix_hit_ratio(a.mix_seconds, a.mix_readers)
        log(f"  {results['mix']}")
    results["took_min"] = (time.monotonic() - started) / 60
    results["load_after"] = os.getloadavg()[0]
    (OUT / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    section = render(results)
    print(section)
    if not a.no_doc:
        write_doc(section)
        log(f"wrote {DOC.relative_to(ROOT)}")
    log(f"done in {results['took_min']:.1f} min")


if __name__ == "__main__":
    main()

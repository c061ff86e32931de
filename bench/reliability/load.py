"""Reliability run: 50 people at once against the production stack (uvicorn workers, PostgreSQL, Redis), with an
optional fault injected mid-run. Cadres reply in forum threads (some double-submit with the same
Idempotency-Key, as a phone on a weak network does), case workers register children, record consent and send
referrals, Dukcapil liaisons accept, start and complete them and write in the referral threads.

Afterwards every acknowledged write is looked up in the database (lost writes), double submits are checked for
duplicates, and every 5xx is counted. Results: var/reliability/<fault>.json and stdout (docs/RELIABILITY.md).

    python bench/reliability/load.py                      # 50 people, 120 s, no fault
    python bench/reliability/load.py --fault redis        # Redis killed at 35 %, back at 60 % of the run
    python bench/reliability/load.py --fault worker       # one uvicorn worker killed (SIGKILL) at 35 %
    python bench/reliability/load.py --fault postgres     # PostgreSQL restarted at 35 % (a throwaway cluster)

Never touches the machine's shared services: its own database (pelita_sec_load) on the shared PostgreSQL, its
own redis-server on port 6390, and for the PostgreSQL fault its own cluster (pg_createcluster, port 5439),
dropped at the end."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
if not Path(PY).exists():
    PY = sys.executable
OUT = ROOT / "var" / "reliability"
PASSWORD = "load-Passw0rd-pelita"
REDIS_PORT = 6390
PG_FAULT = ("15", "pelita_fault", 5439)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


# --- services ----------------------------------------------------------------------------------------------


class Redis:
    def __init__(self, port=REDIS_PORT):
        self.port, self.proc = port, None

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def pg_fault_cluster_up() -> str:
    version, name, port = PG_FAULT
    existing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if f"{version} {name} " not in existing.replace("  ", " "):
        subprocess.run(
            ["pg_createcluster", version, name, "--port", str(port)], check=True, capture_output=True
        )
        conf = Path(f"/etc/postgresql/{version}/{name}/pg_hba.conf")
        conf.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n")
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=False, capture_output=True)
    wait_port(port)
    return f"postgres://postgres@127.0.0.1:{port}/pelita_sec_load"


def pg_fault_cluster_drop():
    version, name, _port = PG_FAULT
    subprocess.run(["pg_dropcluster", version, name, "--stop"], check=False, capture_output=True)


def ensure_database(url: str):
    base, _, name = url.rpartition("/")
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"],
        capture_output=True,
        text=True,
        check=False,
    )


# --- the load ------------------------------------------------------------------------------------------------


class Run:
    def __init__(self, base, duration):
        self.base, self.duration = base, duration
        self.statuses = Counter()
        self.server_errors = []
        self.transport_errors = Counter()
        self.acks = {"posts": [], "cases": [], "referrals": [], "messages": [], "transitions": []}
        self.double_submits = 0
        self.double_submit_mismatch = 0
        self.stop_at = 0.0
        self.timeline = []  # (t, event)
        self.started = 0.0
        self.tokens = {}
        self.health_statuses = Counter()
        self.page_cache = Counter()  # (page kind, "hit" | "miss") from the X-Page-Cache header

    def t(self):
        return round(time.monotonic() - self.started, 2)

    async def call(self, client, method, path, **kw):
        try:
            response = await client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.transport_errors[type(exc).__name__] += 1
            return None
        if path == "/healthz":  # a 503 there is the health check doing its job, not a failure
            self.health_statuses[response.status_code] += 1
            return response
        self.statuses[response.status_code] += 1
        state = response.headers.get("X-Page-Cache")
        if state:
            kind = (
                {"t": "thread", "f": "forum"}.get(path.split("/")[2], path)
                if path.startswith("/forums/")
                else path
            )
            self.page_cache[(kind, state)] += 1
        if response.status_code >= 500:
            self.server_errors.append(
                {"t": self.t(), "method": method, "path": path, "status": response.status_code}
            )
        return response

    async def token(self, client, username):
        if username in self.tokens:
            return {"Authorization": f"Bearer {self.tokens[username]}"}
        for _ in range(20):
            r = await self.call(
                client, "POST", "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
            )
            if r is not None and r.status_code == 200:
                return {"Authorization": f"Bearer {r.json()['token']}"}
            await asyncio.sleep(0.5)
        raise RuntimeError(f"no token for {username}")

    async def cadre(self, client, username, threads):
        auth = await self.token(client, username)
        while time.monotonic() < self.stop_at:
            thread = random.choice(threads)
            key = uuid.uuid4().hex
            body = f"[load {key}] balasan dari {username}"
            kw = {"json": {"body": body}, "headers": {**auth, "Idempotency-Key": key}}
            if random.random() < 0.15:
                self.double_submits += 1
                a, b = await asyncio.gather(
                    self.call(client, "POST", f"/api/v1/threads/{thread}/posts", **kw),
                    self.call(client, "POST", f"/api/v1/threads/{thread}/posts", **kw),
                )
                ids = {r.json()["id"] for r in (a, b) if r is not None and r.status_code in (200, 201)}
                if len(ids) > 1:
                    self.double_submit_mismatch += 1
                self.acks["posts"] += list(ids)
            else:
                r = await self.call(client, "POST", f"/api/v1/threads/{thread}/posts", **kw)
                if r is not None and r.status_code == 201:
                    self.acks["posts"].append(r.json()["id"])
            await self.call(
                client, "GET", f"/api/v1/threads/{thread}/posts?page=1&page_size=20", headers=auth
            )
            await asyncio.sleep(random.uniform(0.2, 1.0))

    async def case_worker(self, client, username, dukcapil, n):
        auth = await self.token(client, username)
        i = 0
        while time.monotonic() < self.stop_at:
            i += 1
            born = dt.date(2018, 1 + (i % 12), 1 + (i % 27))
            case = await self.call(
                client,
                "POST",
                "/api/v1/cases",
                headers=auth,
                json={
                    "child_name": f"Anak Uji {n}-{i}",
                    "sex": "M",
                    "birth_date": born.isoformat(),
                    "area": "52.02.01.2013",
                    "caregiver_name": f"Pengasuh {n}-{i}",
                    "caregiver_relation": "nenek",
                    "parent_abroad": "mother",
                    "destination_country": "Malaysia",
                    "needs": ["akta-kelahiran"],
                },
            )
            if case is None or case.status_code != 201:
                await asyncio.sleep(1)
                continue
            code = case.json()["code"]
            self.acks["cases"].append(code)
            consent = await self.call(
                client,
                "POST",
                f"/api/v1/cases/{code}/consents",
                headers=auth,
                json={"given_by": f"Pengasuh {n}-{i}", "relation": "nenek", "agencies": [dukcapil]},
            )
            if consent is None or consent.status_code != 201:
                continue
            referral = await self.call(
                client,
                "POST",
                "/api/v1/referrals",
                headers=auth,
                json={
                    "case": code,
                    "agency": dukcapil,
                    "service": "akta-kelahiran",
                    "note": "Belum punya akta",
                },
            )
            if referral is not None and referral.status_code == 201:
                rid = referral.json()["id"]
                self.acks["referrals"].append(rid)
                m = await self.call(
                    client,
                    "POST",
                    f"/api/v1/referrals/{rid}/messages",
                    headers=auth,
                    json={"body": "Mohon dibantu."},
                )
                if m is not None and m.status_code == 201:
                    self.acks["messages"].append(m.json()["id"])
            await asyncio.sleep(random.uniform(0.5, 1.5))

    async def liaison(self, client, username):
        auth = await self.token(client, username)
        steps = {
            "sent": ("accept", ""),
            "accepted": ("start", ""),
            "in_progress": ("complete", "Akta terbit"),
        }
        while time.monotonic() < self.stop_at:
            status = random.choice(list(steps))
            listing = await self.call(
                client, "GET", f"/api/v1/referrals?status={status}&page=1&page_size=20", headers=auth
            )
            if listing is not None and listing.status_code == 200 and listing.json().get("results"):
                rid = random.choice(listing.json()["results"])["id"]
                action, outcome = steps[status]
                body = {"action": action, "note": "diproses"}
                if outcome:
                    body["outcome"] = outcome
                r = await self.call(
                    client, "POST", f"/api/v1/referrals/{rid}/transitions", headers=auth, json=body
                )
                if r is not None and r.status_code == 200:
                    self.acks["transitions"].append([rid, action])
            await asyncio.sleep(random.uniform(0.3, 1.0))

    async def reader(self, client, username, threads):
        """A person reading pages in a browser (session cookie): the home page and threads."""
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as browser:
            login = await browser.get("/accounts/login/")
            await browser.post(
                "/accounts/login/",
                data={
                    "username": username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": login.cookies.get("csrftoken", ""),
                },
                headers={"Referer": f"{self.base}/accounts/login/"},
            )
            while time.monotonic() < self.stop_at:
                for path in ("/home/", f"/forums/t/{random.choice(threads)}/"):
                    await self.call(browser, "GET", path)
                await asyncio.sleep(random.uniform(0.3, 1.0))

    async def health(self, client):
        seen = []
        while time.monotonic() < self.stop_at + 5:
            r = await self.call(client, "GET", "/healthz")
            state = r.status_code if r is not None else "down"
            body = (
                r.json()
                if r is not None and r.headers.get("content-type", "").startswith("application/json")
                else {}
            )
            if not seen or seen[-1][1] != state:
                seen.append((self.t(), state, body))
            await asyncio.sleep(0.5)
        self.health_timeline = seen


async def drive(base, duration, people, fault, stack, readers=2):
    run = Run(base, duration)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        names = stack["names"]
        run.tokens = names.get("tokens", {})
        run.started = time.monotonic()
        run.stop_at = run.started + duration
        tasks = []
        workers = names["workers"][: max(1, people // 10)]
        liaisons = names["liaisons"][: max(1, people // 10)]
        cadres = names["cadres"][: people - len(workers) - len(liaisons)]
        readers = max(0, min(readers, len(cadres) - 1))
        tasks += [run.cadre(client, u, names["threads"]) for u in cadres[: len(cadres) - readers]]
        tasks += [run.reader(client, u, names["threads"]) for u in cadres[len(cadres) - readers :]]
        tasks += [run.case_worker(client, u, names["dukcapil"], i) for i, u in enumerate(workers)]
        tasks += [run.liaison(client, u) for u in liaisons]
        health_client = httpx.AsyncClient(base_url=base, timeout=10)
        tasks.append(run.health(health_client))
        tasks.append(inject(run, fault, stack, duration, client))
        await asyncio.gather(*tasks)
        await health_client.aclose()
    run.people = {"cadres": len(cadres) - readers, "readers": readers, "case_workers": len(workers),
                  "liaisons": len(liaisons)}  # fmt: skip
    return run


async def inject(run, fault, stack, duration, client):
    if fault == "none":
        return
    await asyncio.sleep(duration * 0.35)
    if fault == "redis":
        run.timeline.append((run.t(), "redis killed"))
        stack["redis"].stop()
        await asyncio.sleep(duration * 0.25)
        stack["redis"].start()
        run.timeline.append((run.t(), "redis back"))
    elif fault == "worker":
        children = subprocess.run(
            ["pgrep", "-P", str(stack["server"].pid)], capture_output=True, text=True
        ).stdout.split()
        # Only the serving processes (multiprocessing spawn children), not the resource tracker.
        workers = [
            int(pid)
            for pid in children
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        run.timeline.append((run.t(), f"worker {victim} killed (SIGKILL), {len(workers) - 1} left serving"))
        await asyncio.sleep(duration * 0.3)
        after = subprocess.run(
            ["pgrep", "-P", str(stack["server"].pid)], capture_output=True, text=True
        ).stdout.split()
        run.timeline.append(
            (run.t(), f"supervisor children now: {len(after)} (victim gone: {str(victim) not in after})")
        )
    elif fault == "postgres":
        version, name, _port = PG_FAULT
        run.timeline.append((run.t(), "postgres stopping"))
        await asyncio.to_thread(
            subprocess.run, ["pg_ctlcluster", version, name, "stop", "-m", "fast"], check=False
        )
        run.timeline.append((run.t(), "postgres down"))
        page = await run.call(client, "GET", "/accounts/login/")
        run.outage_page = {
            "status": page.status_code if page is not None else None,
            "friendly": page is not None
            and ("Terjadi kesalahan" in page.text or "Something went wrong" in page.text),
            "leaks_traceback": page is not None and "Traceback" in page.text,
        }
        await asyncio.sleep(8)
        await asyncio.to_thread(subprocess.run, ["pg_ctlcluster", version, name, "start"], check=False)
        run.timeline.append((run.t(), "postgres back"))


def page_cache_summary(counts: Counter) -> dict:
    """Hits and misses of the cached pages the readers saw, per page kind, and the hit ratio of all of them."""
    kinds = sorted({kind for kind, _ in counts})
    out = {kind: {"hit": counts[(kind, "hit")], "miss": counts[(kind, "miss")]} for kind in kinds}
    hits, total = sum(v["hit"] for v in out.values()), sum(v["hit"] + v["miss"] for v in out.values())
    out["hit_ratio"] = round(hits / total, 3) if total else None
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fault", choices=["none", "redis", "worker", "postgres"], default="none")
    p.add_argument("--duration", type=int, default=120)
    p.add_argument("--people", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--readers", type=int, default=2, help="how many of the cadres read pages instead of posting"
    )
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pelita_sec_load")
    args = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    database_url = pg_fault_cluster_up() if args.fault == "postgres" else args.database_url
    redis = Redis()
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "PELITA_CHANNEL_PREFIX": "pelita_sec_load",
        "PELITA_CACHE_PREFIX": "pelita_sec_load",
        "PELITA_DEMO_PASSWORD": PASSWORD,
    }
    server = None
    try:
        ensure_database(database_url)
        log(f"preparing {database_url}")
        prep = subprocess.run(
            [PY, str(Path(__file__).with_name("prepare.py")), "45", "5", "5"],
            env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if prep.returncode:
            raise SystemExit(prep.stderr)
        names = json.loads(prep.stdout.strip().splitlines()[-1])
        bench_env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings.bench"}
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=bench_env, cwd=ROOT, check=True
        )
        port = free_port()
        server = subprocess.Popen(
            [PY, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers), "--ws", "websockets", "--lifespan", "off", "--log-level", "warning"],
            env=bench_env,
            cwd=ROOT,
        )  # fmt: skip
        wait_port(port)
        time.sleep(2)
        log(f"{args.people} people for {args.duration}s against 127.0.0.1:{port}, fault: {args.fault}")
        stack = {"names": names, "redis": redis, "server": server}
        run = asyncio.run(
            drive(f"http://127.0.0.1:{port}", args.duration, args.people, args.fault, stack, args.readers)
        )
        log("verifying against the database")
        acks = {**run.acks, "double_submits": run.double_submits, "double_submit_mismatch": run.double_submit_mismatch,
                "liaisons": names["liaisons"]}  # fmt: skip
        check = subprocess.run(
            [PY, str(Path(__file__).with_name("verify.py"))],
            input=json.dumps(acks),
            env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if check.returncode:
            raise SystemExit(check.stderr)
        verified = json.loads(check.stdout.strip().splitlines()[-1])
        total = sum(run.statuses.values())
        result = {
            "fault": args.fault,
            "duration_s": args.duration,
            "people": run.people,
            "requests": total,
            "requests_per_s": round(total / args.duration, 1),
            "statuses": dict(sorted(run.statuses.items())),
            "server_errors": len(run.server_errors),
            "server_error_samples": run.server_errors[:10],
            "transport_errors": dict(run.transport_errors),
            "healthz_statuses": dict(run.health_statuses),
            "fault_timeline": run.timeline,
            "healthz_timeline": getattr(run, "health_timeline", []),
            "outage_page": getattr(run, "outage_page", None),
            "workers_alive_at_end": server.poll() is None,
            "page_cache": page_cache_summary(run.page_cache),
            **verified,
        }
        (OUT / f"{args.fault}.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2))
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        redis.stop()
        if args.fault == "postgres":
            pg_fault_cluster_drop()


if __name__ == "__main__":
    main()

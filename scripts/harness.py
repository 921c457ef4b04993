"""What scripts/bench.py and scripts/load.py share: throwaway databases, a throwaway copy of the site in
production settings, gunicorn, wrk and the memory of gunicorn's workers.

Nothing here touches the project's own database or its staticfiles/ folder: each run works in a temporary
folder (database file, collected static files, settings module, logs) removed at the end.
"""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PGBIN = Path("/usr/lib/postgresql/15/bin")

# Production is base settings plus environment variables. The only change: STATIC_ROOT in the temporary
# folder (base.py fixes it to staticfiles/ in the project), so a run never overwrites the project's files.
SETTINGS_MODULE = """\
from normandy_ep.settings.base import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""

# The bench's other reference: the same bytes and headers as each saved page, returned by a bare WSGI callable
# (no Django at all) in the same gunicorn, at /bare/<page>. Every other address goes to the site.
BARE_WSGI_MODULE = """\
import json
from pathlib import Path

from normandy_ep.wsgi import application as site

FOLDER = Path({folder!r})
PAGES = {{}}
for meta in FOLDER.glob("*.json"):
    name = meta.stem
    PAGES["/bare/" + name] = (json.loads(meta.read_text()), (FOLDER / (name + ".html")).read_bytes())


def application(environ, start_response):
    page = PAGES.get(environ.get("PATH_INFO"))
    if page is None:
        return site(environ, start_response)
    headers, body = page
    start_response("200 OK", [tuple(header) for header in headers])
    return [body]
"""

# wrk calls done() once at the end: print its figures as one JSON line, exact percentiles in microseconds.
WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def say(text):
    print(text, flush=True)


def free_port():
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_postgres(url):
    return urllib.parse.urlsplit(url or "").scheme in {"postgres", "postgresql", "pgsql"}


def require_wrk():
    """wrk from Debian, installed on first use (RECIPES.md: apt-get install wrk)."""
    if shutil.which("wrk"):
        return
    say("wrk est absent : installation du paquet Debian « wrk »…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)


# --- Throwaway databases -------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(folder):
    yield f"sqlite:///{folder}/db.sqlite3"


@contextlib.contextmanager
def database_on_server(server_url):
    """A new, empty database on the PostgreSQL server of `server_url`, dropped at the end."""
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    name = f"ep_throwaway_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_server():
    """A PostgreSQL 15 server of our own, as in .ci/run: the `postgres` system user, a folder in /tmp, a free
    port on 127.0.0.1, fsync off (throwaway data). Stopped and removed at the end. Yields its DATABASE_URL."""
    if not (PGBIN / "postgres").exists():
        raise SystemExit(f"PostgreSQL 15 est introuvable dans {PGBIN} (apt-get install postgresql-15).")
    if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--home-dir", "/var/lib/postgresql", "postgres"],
            check=True,
        )
    base = Path(tempfile.mkdtemp(prefix="ep-load-pg."))
    port = free_port()
    (base / "sock").mkdir()
    shutil.chown(base, "postgres", "postgres")
    shutil.chown(base / "sock", "postgres", "postgres")

    def as_postgres(*command):
        # cwd="/": postgres must be able to read its working directory.
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command], check=True, cwd="/", stdout=subprocess.DEVNULL
        )

    data = base / "data"
    try:
        as_postgres(
            PGBIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base / 'sock'} -c fsync=off"
        as_postgres(PGBIN / "pg_ctl", "-D", data, "-l", base / "server.log", "-w", "-o", options, "start")
        psql = ["psql", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
        subprocess.run([*psql, "-c", "CREATE ROLE ep LOGIN PASSWORD 'ep' CREATEDB"], check=True, cwd="/")
        subprocess.run([*psql, "-c", "CREATE DATABASE ep OWNER ep"], check=True, cwd="/")
        say(f"PostgreSQL 15 jetable démarré sur 127.0.0.1:{port} ({base}).")
        yield f"postgres://ep:ep@127.0.0.1:{port}/ep"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            as_postgres(PGBIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


# --- A throwaway copy of the site ----------------------------------------------------------------------


class Site:
    """The project run from a temporary folder: its own database, static files, settings module and logs."""

    def __init__(self, folder, database_url):
        self.folder = Path(folder)
        self.database_url = database_url
        self.static_root = self.folder / "static"
        (self.folder / "bench_settings.py").write_text(
            SETTINGS_MODULE.format(static_root=str(self.static_root))
        )
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.folder), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_DEBUG": "false",
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
        }
        self.env.pop("DJANGO_CACHE_URL", None)  # each worker its own local-memory cache, as by default

    def manage(self, *args, quiet=True):
        """Run manage.py in this site; returns its standard output."""
        result = subprocess.run(
            [PYTHON, "manage.py", *map(str, args)], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(
                f"manage.py {' '.join(map(str, args))} a échoué :\n{result.stdout}{result.stderr}"
            )
        if not quiet:
            say(result.stdout.rstrip())
        return result.stdout

    def school_count(self):
        code = "from schools.models import School; print(School.objects.count())"
        return int(self.manage("shell", "-v", "0", "-c", code).split()[-1])

    def prepare(self, schools, seed=1):
        """Migrate, load the directory, add demo schools up to `schools` in all, collect static files."""
        started = time.monotonic()
        self.manage("migrate", "--noinput")
        self.manage("load_directory")
        missing = schools - self.school_count()
        if missing > 0:
            self.manage("generate_demo_data", "--schools", missing, "--seed", seed, "--yes-default-database")
        self.manage("collectstatic", "--noinput")
        say(f"  base prête : {self.school_count()} écoles, en {time.monotonic() - started:.0f} s")

    def probe(self, *args):
        """scripts/site_probe.py in this site's settings, against its database; returns its JSON answer."""
        result = subprocess.run(
            [PYTHON, ROOT / "scripts" / "site_probe.py", *map(str, args)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise SystemExit(f"site_probe.py a échoué :\n{result.stdout}{result.stderr}")
        return json.loads(result.stdout.splitlines()[-1])

    def serve_bare_pages(self, folder):
        """Make gunicorn() also answer /bare/<page> with the bytes and headers saved in `folder` (by
        site_probe.py pages) from a bare WSGI callable: the limit for a page served by Python here."""
        (self.folder / "bare_wsgi.py").write_text(BARE_WSGI_MODULE.format(folder=str(folder)))
        self.wsgi_module = "bare_wsgi"

    wsgi_module = "normandy_ep.wsgi"

    @contextlib.contextmanager
    def gunicorn(self, port, workers=2):
        """gunicorn with `workers` sync workers on 127.0.0.1:port; yields the master's Popen."""
        log = self.folder / "gunicorn.log"
        command = [GUNICORN, self.wsgi_module, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
        with open(log, "ab") as log_file:
            master = subprocess.Popen(
                [*command, "--error-logfile", "-"], cwd=ROOT, env=self.env, stdout=log_file, stderr=log_file
            )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", master, log)
            yield master
        finally:
            master.terminate()  # SIGTERM: gunicorn stops its workers gracefully
            try:
                master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                master.kill()
                master.wait()

    def gunicorn_log(self):
        log = self.folder / "gunicorn.log"
        return log.read_text(errors="replace") if log.exists() else ""


def wait_until_up(url, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn s'est arrêté au démarrage :\n{log.read_text(errors='replace')}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),  # a busy first answer
            urllib.request.urlopen(url, timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn ne répond pas sur {url} après {timeout} s.")


@contextlib.contextmanager
def temporary_folder(prefix):
    folder = tempfile.mkdtemp(prefix=prefix)
    try:
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- wrk ----------------------------------------------------------------------------------------------


def wrk(url, *, duration, connections, threads=2, script, timeout="5s", on_tick=None):
    """Run wrk against a loopback URL; returns the figures printed by the script's done() callback.

    `script` must define done() as WRK_DONE does; `on_tick`, if given, is called every 5 s while wrk runs.
    """
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"wrk ne vise que 127.0.0.1, pas {url}")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}"]
    command += ["--latency", "-s", str(script), url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if on_tick:
        while process.poll() is None:
            on_tick()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
    output, _ = process.communicate(timeout=duration + 60)
    lines = [line for line in output.splitlines() if line.startswith("WRK_JSON ")]
    if process.returncode or not lines:
        raise SystemExit(f"wrk a échoué ({' '.join(command)}) :\n{output}")
    figures = json.loads(lines[-1].removeprefix("WRK_JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["socket_errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    figures["output"] = output
    return figures


def write_wrk_script(path, body=""):
    Path(path).write_text(body + WRK_DONE)
    return path


# --- Memory of gunicorn's workers ---------------------------------------------------------------------


def children(pid):
    """Process ids whose parent is `pid` (gunicorn's workers are the master's children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            # Field 4 is the parent id; the command name (field 2) may hold spaces, so split after its ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid):
    """Resident memory of a process in KiB (VmRSS in /proc/<pid>/status), None if it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def mean(values):
    return sum(values) / len(values) if values else float("nan")


if __name__ == "__main__":
    sys.exit("Ce module sert scripts/bench.py et scripts/load.py ; il ne se lance pas seul.")

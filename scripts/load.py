"""`make load`: 60 s at 64 connections against gunicorn (2 sync workers, production settings) and PostgreSQL,
with 1,000 demo schools, over a mix of public addresses, including bad input the site must take calmly.

PostgreSQL: a temporary database on the server of DATABASE_URL when it names one, otherwise a PostgreSQL 15
server of our own (as .ci/run does: `postgres` system user, folder in /tmp, free port), stopped at the end.

Fails (exit status 1) on any error: a response other than 2xx/3xx, a socket error or timeout (5 s), an error
in gunicorn's log, a worker that died; or on worker memory that keeps growing. Memory: the resident size
(VmRSS) of the gunicorn workers, summed, every 5 s; it "keeps growing" when the mean of the last third of the
samples is more than 10 % above the mean of the second third (the first third is the warm-up of caches).

    .venv/bin/python scripts/load.py [--duration 60] [--connections 64] [--schools 1000]
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

from harness import (
    Site,
    children,
    database_on_server,
    free_port,
    is_postgres,
    mean,
    postgres_server,
    require_wrk,
    rss_kib,
    say,
    temporary_folder,
    write_wrk_script,
    wrk,
)

MAX_MEMORY_GROWTH = 1.10
SCHOOL_PAGES = (
    200  # distinct school pages in the mix, so that the page cache fills and evicts as in real life
)

# Public pages, and bad input each of them must answer calmly with a page (never a 500).
URLS = [
    "/",
    "/ecoles/",
    "/ecoles/?page=2",
    "/ecoles/?metier=usinage",
    "/ecoles/?metier=usinage&departement=27",
    "/ecoles/?departement=14&financement=fse-plus",
    "/ecoles/?formation=cap-primeur",
    "/ecoles/?q=bois",
    "/ecoles/?q=mecano",
    "/ecoles/?pres_de=caen",
    "/ecoles/?pres_de=50700&rayon=30",
    "/metiers/",
    "/metiers/usinage/",
    "/formations/",
    "/formations/cap-primeur/",
    "/financements/",
    "/financements/fse-plus/",
    "/parents/",
    "/static/css/site.css",
    # Bad input: junk and out-of-range page numbers, unknown choices, markup, a NUL byte, an overlong text.
    "/ecoles/?page=abc",
    "/ecoles/?page=999999",
    "/ecoles/?departement=99",
    "/ecoles/?metier=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/ecoles/?q=%00",
    "/ecoles/?q=" + "x" * 150,
    "/ecoles/?pres_de=nulle-part&rayon=abc",
    "/ecoles/?q=%C3%A9cole&q=deux&metier=",
]

LUA_ROTATION = """
-- Each thread walks the list of paths from its own starting point; responses are counted by status code.
local paths = {%s}
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
function init(args)
  counter = offset
  statuses = {}
end
function request()
  counter = counter + 1
  return wrk.format(nil, paths[counter %% #paths + 1])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function report_statuses()
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do
    table.insert(parts, string.format('"%%d":%%d', code, count))
  end
  io.write("WRK_STATUSES {" .. table.concat(parts, ",") .. "}\\n")
end
"""
# Called first by the done() of harness.WRK_DONE (see write_script).
LUA_DONE_HOOK = "local report = done\ndone = function(s, l, r) report_statuses(); report(s, l, r) end\n"


def write_script(path, urls):
    for url in urls:
        if not url.isascii() or '"' in url or "\\" in url:
            raise ValueError(f"Adresse à encoder avant de la mettre dans le script wrk : {url!r}")
    body = LUA_ROTATION % ", ".join(f'"{url}"' for url in urls)
    write_wrk_script(path, body)
    with open(path, "a") as script:
        script.write(LUA_DONE_HOOK)
    return path


def preflight(base, urls):
    """Each address once, before the load: anything but 200 stops here, with the address to look at."""
    wrong = []
    for url in urls:
        try:
            with urllib.request.urlopen(base + url, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            wrong.append(f"{status} {url}")
    if wrong:
        raise SystemExit("Adresses en erreur avant la charge :\n  " + "\n  ".join(wrong))
    say(f"  {len(urls)} adresses vérifiées une à une : toutes répondent 200")


class MemorySampler:
    """Resident memory of gunicorn's workers (children of the master), one sample per call."""

    def __init__(self, master_pid):
        self.master_pid = master_pid
        self.started = time.monotonic()
        self.samples = []  # (seconds, {pid: KiB})
        self.worker_sets = []

    def __call__(self):
        workers = children(self.master_pid)
        sizes = {pid: rss_kib(pid) for pid in workers}
        sizes = {pid: kib for pid, kib in sizes.items() if kib is not None}
        seconds = time.monotonic() - self.started
        self.samples.append((seconds, sizes))
        self.worker_sets.append(tuple(sorted(sizes)))
        shown = "  ".join(f"{pid}: {kib / 1024:6.1f} Mo" for pid, kib in sorted(sizes.items()))
        say(f"  t = {seconds:5.1f} s   RSS des workers  {shown}   total {sum(sizes.values()) / 1024:6.1f} Mo")

    def totals(self):
        return [sum(sizes.values()) / 1024 for _, sizes in self.samples]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="Secondes de charge.")
    parser.add_argument("--connections", type=int, default=64, help="Connexions simultanées.")
    parser.add_argument("--schools", type=int, default=1000, help="Écoles dans la base.")
    args = parser.parse_args()
    require_wrk()

    server_url = os.environ.get("DATABASE_URL")
    if is_postgres(server_url):
        say("PostgreSQL : base temporaire sur le serveur de DATABASE_URL")
        return run(args, database_on_server(server_url))
    with postgres_server() as own_server:
        return run(args, database_on_server(own_server))


def run(args, database):
    with temporary_folder("ep-load.") as folder, database as database_url:
        site = Site(folder, database_url)
        site.prepare(args.schools)
        urls = URLS + site.probe("school-urls", SCHOOL_PAGES)
        script = write_script(folder / "rotation.lua", urls)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with site.gunicorn(port) as master:
            preflight(base, urls)
            say("  chauffe : 5 s")
            wrk(base + "/", duration=5, connections=args.connections, script=script)
            say(f"  charge : {args.duration} s, {args.connections} connexions, {len(urls)} adresses")
            sampler = MemorySampler(master.pid)
            figures = wrk(
                base + "/",
                duration=args.duration,
                connections=args.connections,
                script=script,
                on_tick=sampler,
            )
            sampler()  # one last sample after the load
            log = site.gunicorn_log()
        return report(figures, sampler, log)


def report(figures, sampler, log):
    statuses_line = next(line for line in figures["output"].splitlines() if line.startswith("WRK_STATUSES "))
    statuses = json.loads(statuses_line.removeprefix("WRK_STATUSES "))
    say("\nRésultats")
    seconds = figures["duration_us"] / 1e6
    say(f"  requêtes            {figures['requests']} en {seconds:.1f} s ({figures['rps']:.1f}/s)")
    p50, p90, p99, top = (figures[key] / 1000 for key in ("p50_us", "p90_us", "p99_us", "max_us"))
    say(f"  latence             p50 {p50:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms, max {top:.1f} ms")
    say("  codes HTTP          " + ", ".join(f"{code} : {count}" for code, count in sorted(statuses.items())))
    say(f"  réponses hors 2xx/3xx (wrk)  {figures['status']}")
    say(
        f"  erreurs de socket   connexion {figures['connect']}, lecture {figures['read']}, "
        f"écriture {figures['write']}, délai dépassé {figures['timeout']}"
    )
    server_errors = sum(count for code, count in statuses.items() if int(code) >= 500)
    log_errors = [
        line for line in log.splitlines() if "Error" in line or "Traceback" in line or "TIMEOUT" in line
    ]

    totals = sampler.totals()
    third = len(totals) // 3
    second, last = totals[third : 2 * third], totals[2 * third :]
    growth = mean(last) / mean(second) if second and last else float("nan")
    say(
        f"  mémoire des workers  début {totals[0]:.1f} Mo, fin {totals[-1]:.1f} Mo ; moyenne du 2e tiers "
        f"{mean(second):.1f} Mo, du dernier tiers {mean(last):.1f} Mo (× {growth:.3f})"
    )
    workers_changed = len(set(sampler.worker_sets)) > 1

    failures = []
    if figures["status"] or server_errors:
        failures.append(f"{figures['status']} réponse(s) hors 2xx/3xx, dont {server_errors} erreur(s) 5xx")
    if figures["socket_errors"]:
        failures.append(f"{figures['socket_errors']} erreur(s) de socket ou délai(s) dépassé(s)")
    if log_errors:
        shown = "\n    ".join(log_errors[:20])
        failures.append(f"{len(log_errors)} ligne(s) d'erreur dans le journal de gunicorn :\n    {shown}")
    if workers_changed:
        failures.append("un worker gunicorn a été remplacé pendant la charge (arrêt brutal ou délai dépassé)")
    if not growth <= MAX_MEMORY_GROWTH:
        failures.append(f"la mémoire des workers continue de croître (× {growth:.3f} > {MAX_MEMORY_GROWTH})")
    if failures:
        say("\nFAIL\n  " + "\n  ".join(failures))
        return 1
    say("\nOK : aucune erreur, aucune réponse 5xx, mémoire des workers stable")
    return 0


if __name__ == "__main__":
    sys.exit(main())

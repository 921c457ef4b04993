"""`make audit`: Lighthouse (mobile) on the home page, the list of schools, a school page, the open-data page
and a selection.

The site runs as in production (scripts/harness.py: base settings, DEBUG off, collected static files served by
WhiteNoise, gunicorn with 2 workers) from a temporary folder, with the directory data, on a free port of
127.0.0.1; plain HTTP, so DJANGO_SECURE_SSL_REDIRECT=false. Lighthouse drives Debian's Chromium.

CPU throttling: Lighthouse's mobile preset slows the CPU 4 times, which models a mid-range phone on a machine
whose benchmark index is about 1,533. This machine (2 cores, often shared with test runs) scores less, and
Lighthouse then warns that the performance score is unfair. As its documentation asks (docs/throttling.md,
"CPU throttling"), a first run measures the benchmark index and the slowdown comes from Lighthouse's CPU
throttling calculator, never above 4. --cpu-slowdown sets it by hand.

Prints the four scores of each page; fails (exit status 1) when a score is below 100, or missing: Lighthouse
still exits 0 on a page that answers 500, with null scores and a runtimeError in its report.

    .venv/bin/python scripts/audit.py [--reports FOLDER] [--cpu-slowdown 4]    # FOLDER keeps the JSON reports
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT, Site, free_port, say, sqlite_database, temporary_folder

PAGES = {
    "accueil": "/",
    "liste": "/ecoles/",
    "école": "/ecoles/metal-academy/",
    "données": "/donnees/",
    "sélection": "/selection/?ecoles=metal-academy,usineure",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run --disable-quic"
)


DEFAULT_CPU_SLOWDOWN = 4
# Lighthouse sometimes loses its trace of the page load (NO_NAVSTART, NO_FCP…): run it again, up to ATTEMPTS
# times. The page's own failures (an error status, no answer) are not retried.
ATTEMPTS = 3
SITE_ERRORS = {"ERRORED_DOCUMENT_REQUEST", "FAILED_DOCUMENT_REQUEST", "NOT_HTML", "INVALID_URL"}


def calibrated_cpu_slowdown(benchmark_index):
    """The slowdown that makes this machine a mid-range phone, from Lighthouse's CPU throttling calculator
    (github.com/patrickhulce/lighthouse-cpu-throttling-calculator): 1,533 → 4×, 1,300 → 3×, 800 → 2×,
    150 → 1×. Never more than Lighthouse's default."""
    if benchmark_index >= 1300:
        multiplier = 3 + (benchmark_index - 1300) / 233
    elif benchmark_index >= 800:
        multiplier = 2 + (benchmark_index - 800) / 500
    else:
        multiplier = 1 + (benchmark_index - 150) / 650
    return round(min(max(multiplier, 1), DEFAULT_CPU_SLOWDOWN), 2)


def lighthouse(url, report_path, cpu_slowdown=DEFAULT_CPU_SLOWDOWN):
    """Run Lighthouse (mobile, its default) on `url`; returns its JSON report."""
    command = [
        "npx",
        "--no-install",
        "lighthouse",
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report_path}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for attempt in range(1, ATTEMPTS + 1):
        Path(report_path).unlink(missing_ok=True)
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        report = json.loads(Path(report_path).read_text()) if Path(report_path).exists() else {}
        error = (report.get("runtimeError") or {}).get("code")
        if not result.returncode and not error:
            return report
        if error is None:
            found = re.search(r"\(([A-Z_]+)\)\s*$", result.stderr)
            error = found.group(1) if found else None
        if error in SITE_ERRORS or attempt == ATTEMPTS:
            if report:
                return report  # its runtimeError fails the audit
            raise SystemExit(f"Lighthouse a échoué sur {url} :\n{result.stdout}{result.stderr}")
        say(f"  Lighthouse a échoué ({error or result.returncode}), nouvel essai ({attempt + 1}/{ATTEMPTS})")
    raise AssertionError("unreachable")


def scores(report):
    """{category: score out of 100, or None when Lighthouse could not compute it}."""
    found = {}
    for category in CATEGORIES:
        score = report.get("categories", {}).get(category, {}).get("score")
        found[category] = None if score is None else round(score * 100)
    return found


def shortfalls(report):
    """Lines naming each weighted audit that lost points, by category."""
    lines = []
    for category in CATEGORIES:
        for ref in report.get("categories", {}).get(category, {}).get("auditRefs", []):
            audit = report["audits"].get(ref["id"], {})
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                detail = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lines.append(f"  {category} · {ref['id']} : {audit.get('title', '')}{detail}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, help="dossier où garder les rapports JSON de Lighthouse")
    parser.add_argument("--cpu-slowdown", type=float, help="ralentissement du processeur (défaut : calibré)")
    options = parser.parse_args()
    for tool, hint in [
        (CHROMIUM, "make browser-deps"),
        (ROOT / "node_modules" / ".bin" / "lighthouse", "npm ci"),
    ]:
        if not Path(tool).exists():
            raise SystemExit(f"{tool} est introuvable : lancez « {hint} ».")
    if not shutil.which("npx"):
        raise SystemExit("npx est introuvable : installez Node.js (paquet Debian « nodejs »/« npm »).")

    started = time.monotonic()
    failures = []
    rows = []
    with temporary_folder("ep-audit.") as folder, sqlite_database(folder) as database_url:
        site = Site(folder, database_url)
        say("Site jetable en réglages de production (DEBUG off, fichiers statiques collectés, gunicorn)…")
        site.prepare(schools=0)
        port = free_port()
        reports = options.reports or folder / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        with site.gunicorn(port):
            cpu_slowdown = options.cpu_slowdown
            done = {}  # path: report already made with the right slowdown
            if cpu_slowdown is None:
                say(f"Lighthouse (mobile), calibration : http://127.0.0.1:{port}/")
                calibration = lighthouse(f"http://127.0.0.1:{port}/", reports / "accueil.json")
                benchmark_index = calibration["environment"]["benchmarkIndex"]
                cpu_slowdown = calibrated_cpu_slowdown(benchmark_index)
                say(f"Indice de la machine : {benchmark_index:.0f}, processeur ralenti {cpu_slowdown}×")
                if cpu_slowdown == DEFAULT_CPU_SLOWDOWN:
                    done["/"] = calibration
            for name, path in PAGES.items():
                url = f"http://127.0.0.1:{port}{path}"
                if path not in done:
                    say(f"Lighthouse (mobile, processeur ralenti {cpu_slowdown}×) : {url}")
                report = done.get(path) or lighthouse(
                    url, reports / f"{name.replace('é', 'e')}.json", cpu_slowdown
                )
                page_scores = scores(report)
                rows.append((name, path, page_scores))
                if report.get("runtimeError"):
                    failures.append(f"{path} : erreur de Lighthouse {report['runtimeError']}")
                low = {category: score for category, score in page_scores.items() if score != 100}
                if low:
                    failures.append(f"{path} : {low}")
                    failures.extend(shortfalls(report))
        errors = [line for line in site.gunicorn_log().splitlines() if "Error" in line or "Traceback" in line]

    say("")
    say(f"| page | {' | '.join(CATEGORIES)} |")
    say(f"|---|{'---:|' * len(CATEGORIES)}")
    for name, path, page_scores in rows:
        cells = " | ".join("—" if score is None else str(score) for score in page_scores.values())
        say(f"| {name} `{path}` | {cells} |")
    say(f"\n{len(rows)} pages en {time.monotonic() - started:.0f} s, processeur ralenti {cpu_slowdown}×.")
    if options.reports:
        say(f"Rapports JSON : {options.reports}")
    if errors:
        failures.append("erreurs dans le journal de gunicorn :\n" + "\n".join(errors))
    if failures:
        say("\nÉCHEC : tout doit valoir 100.\n" + "\n".join(failures))
        return 1
    say("Tout vaut 100.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

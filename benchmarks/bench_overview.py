"""Benchmark of the Campaign Overview at scale: 10,000 influencers / 100,000 posts / 1,000,000 events.

What is measured, and how:

1. Data: `dashboard.demo.generate_demo(10_000, 100_000, 1_000_000, seed=1)` stored with
   `dashboard.store.replace_dataset` in `bench-results/bench.sqlite`. A file that already holds
   data of that size is reused (its generation/store times come from `bench-results/bench.json`);
   `--fresh` forces regeneration.
2. Start-up: `python -m dashboard serve --port <free port>` runs as a subprocess with
   DATABASE_URL set to that file. "First page" is the first 200 on GET /; "first figures" then
   replays what the browser does next (GET /_dash-layout, GET /_dash-dependencies, the initial
   filter-sync callback, the initial Overview callback) and stops the clock when the Overview
   answers, i.e. when a user would see figures. Both are measured from the subprocess start.
3. Refresh over HTTP (127.0.0.1 only): 20 seeded random filter combinations (brand / platform /
   tier / category subsets, optional min ROAS, date range and price range, daily or weekly
   trend). For each, the browser's two requests are replayed with the exact payloads the
   renderer sends to POST /_dash-update-component: the filter-sync callback (controls → filter
   store) and then the Overview callback (filter store + granularity → 8 outputs). Output strings
   come from GET /_dash-dependencies. The first pass is all cache misses; the same 20 again are
   cache hits (the analytics result is cached; rendering and JSON encoding still run).
   Per request: wall time and response body size.
4. Server-side time, in-process: `create_app(Config(database_url=...))`, then per combination,
   with `service.cache.clear()` first, time `service.clean(raw)` + `service.overview(spec, g)` +
   `callbacks.overview.render_overview(...)`. JSON encoding of the outputs is timed separately.
   If the median is above 150 ms the misses are profiled with cProfile (top 10 cumulative).
5. Memory: RSS of the server process (psutil) after all requests.

Prints a Markdown table (metric | value | target | result) and also writes it to
`bench-results/bench_overview.md`. Exits 0 even when a target is missed: this is a report.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench-results"
DB_PATH = RESULTS / "bench.sqlite"
DB_META = RESULTS / "bench.json"
SIZES = {"influencers": 10_000, "posts": 100_000, "tracking_data": 1_000_000}
SEED = 1
N_COMBOS = 20
COMBO_SEED = 20240601
HOST = "127.0.0.1"
START_DEADLINE_S = 300  # give up on the server after this long
REQUEST_TIMEOUT = (5, 120)  # (connect, read) seconds for every HTTP request
PROFILE_ABOVE_MS = 150

FILTERS_ID, GRANULARITY_ID = "filters", "overview-granularity"
URL_ID, RESET_ID = "url", "filter-reset"
CONTROL_PROPS = (("filter-brand", "value"), ("filter-platform", "value"), ("filter-tier", "value"),
                 ("filter-category", "value"), ("filter-price", "value"), ("filter-min-roas", "value"),
                 ("filter-dates", "start_date"), ("filter-dates", "end_date"))


# ---------------------------------------------------------------------------------------------
# 1. Data
# ---------------------------------------------------------------------------------------------

def database_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def stored_sizes(path: Path) -> dict[str, int] | None:
    """Row counts of the size-defining tables, None when the file is missing or unreadable."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return {name: conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in SIZES}
    except sqlite3.Error:
        return None


def generate_and_store(path: Path) -> dict:
    """Generate the demo data, store it in a fresh file at `path` and return the timings."""
    from dashboard import store
    from dashboard.demo import generate_demo

    started = time.perf_counter()
    demo = generate_demo(n_influencers=SIZES["influencers"], n_posts=SIZES["posts"],
                         n_events=SIZES["tracking_data"], seed=SEED)
    generated = time.perf_counter()
    partial = path.with_suffix(".partial.sqlite")
    partial.unlink(missing_ok=True)
    engine = store.make_engine(database_url(partial))
    store.replace_dataset(engine, demo.tables, meta={"demo_truth": demo.truth})
    engine.dispose()
    stored = time.perf_counter()
    os.replace(partial, path)  # never leave a half-written file where a later run would reuse it
    timings = {"generate_s": generated - started, "store_s": stored - generated, "sizes": SIZES, "seed": SEED}
    DB_META.write_text(json.dumps(timings, indent=2))
    return timings


def prepare_dataset(fresh: bool) -> tuple[Path, dict]:
    """The benchmark database and its timings ({"reused": True} when an existing file was kept)."""
    RESULTS.mkdir(exist_ok=True)
    if not fresh and stored_sizes(DB_PATH) == SIZES:
        timings = json.loads(DB_META.read_text()) if DB_META.exists() else {}
        print(f"reusing {DB_PATH.relative_to(ROOT)} (use --fresh to regenerate)")
        return DB_PATH, {**timings, "reused": True}
    print(f"generating {SIZES['influencers']:,} influencers / {SIZES['posts']:,} posts / "
          f"{SIZES['tracking_data']:,} events (seed {SEED}) …", flush=True)
    timings = generate_and_store(DB_PATH)
    print(f"generated in {timings['generate_s']:.1f} s, stored in {timings['store_s']:.1f} s", flush=True)
    return DB_PATH, {**timings, "reused": False}


# ---------------------------------------------------------------------------------------------
# 2. Server
# ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int, log) -> subprocess.Popen:
    """`python -m dashboard serve` on 127.0.0.1:`port` over the benchmark database; output goes to `log`."""
    env = {**os.environ, "DATABASE_URL": database_url(db), "DASH_DEBUG": "0"}
    return subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--host", HOST, "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_for_page(base: str, proc: subprocess.Popen, log_path: Path) -> requests.Response:
    """Poll GET / until it answers 200; fail if the server dies or the deadline passes."""
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            response = requests.get(base + "/", timeout=REQUEST_TIMEOUT)
            if response.status_code == 200:
                return response
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server did not answer 200 on / within {START_DEADLINE_S} s")


# ---------------------------------------------------------------------------------------------
# Dash protocol: payloads exactly as dash-renderer builds them
# ---------------------------------------------------------------------------------------------

def split_output(output: str) -> list[dict]:
    """'..a.children...b.figure..' (multi-output) or 'a.children' → [{"id", "property"}, …]."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]


@dataclass
class Callback:
    output: str  # the output string from /_dash-dependencies (the callback's key on the server)
    outputs: list[dict]
    inputs: list[dict]  # [{"id", "property"}] in registration order
    multi: bool

    def payload(self, values: dict[tuple[str, str], object], changed: list[str]) -> dict:
        inputs = [{**spec, "value": values.get((spec["id"], spec["property"]))} for spec in self.inputs]
        return {"output": self.output, "outputs": self.outputs if self.multi else self.outputs[0],
                "inputs": inputs, "changedPropIds": changed, "state": []}


def find_callbacks(dependencies: list[dict]) -> tuple[Callback, Callback]:
    """(filter-sync callback, Overview callback) from GET /_dash-dependencies."""
    def make(dep):
        outputs = split_output(dep["output"])
        return Callback(dep["output"], outputs, [{"id": i["id"], "property": i["property"]} for i in dep["inputs"]],
                        multi=dep["output"].startswith(".."))

    server_side = [make(d) for d in dependencies if not d.get("clientside_function")]
    sync = next(c for c in server_side if {"id": FILTERS_ID, "property": "data"} in c.outputs)
    overview = next(c for c in server_side if {"id": FILTERS_ID, "property": "data"} in c.inputs
                    and {"id": GRANULARITY_ID, "property": "value"} in c.inputs)
    return sync, overview


def component_props(layout, wanted: set[str]) -> dict[str, dict]:
    """Props of the components with the `wanted` ids, found anywhere in a /_dash-layout tree."""
    found: dict[str, dict] = {}

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if props.get("id") in wanted:
                found[props["id"]] = props
            walk(props.get("children"))

    walk(layout)
    return found


@dataclass
class Timed:
    seconds: float
    nbytes: int
    body: dict


def post_callback(session: requests.Session, base: str, payload: dict) -> Timed:
    started = time.perf_counter()
    response = session.post(base + "/_dash-update-component", json=payload, timeout=REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{payload['output'][:60]}…: HTTP {response.status_code}: {response.text[:500]}")
    return Timed(elapsed, len(response.content), response.json())


# ---------------------------------------------------------------------------------------------
# The browser's view of the page: control values, sync and refresh requests
# ---------------------------------------------------------------------------------------------

@dataclass
class Page:
    sync: Callback
    overview: Callback
    controls: dict[tuple[str, str], object]  # current value of every control prop
    reset: int | None  # the reset button's n_clicks
    known: dict  # what the filter bar offers: lists, price bounds, date bounds

    def sync_request(self, changed: dict[tuple[str, str], object] | None) -> dict:
        """The filter-sync payload after the user set `changed` (None: the initial page-load call)."""
        values = {**self.controls, **(changed or {}), (URL_ID, "search"): "", (RESET_ID, "n_clicks"): self.reset}
        ids = [f"{cid}.{prop}" for cid, prop in (changed or {})]
        return self.sync.payload(values, ids)

    def overview_request(self, filters: dict, granularity: str, changed: str) -> dict:
        values = {(FILTERS_ID, "data"): filters, (GRANULARITY_ID, "value"): granularity}
        return self.overview.payload(values, [changed] if changed else [])


def load_page(session: requests.Session, base: str) -> Page:
    """GET /_dash-layout and /_dash-dependencies, as the renderer does after loading /."""
    layout = session.get(base + "/_dash-layout", timeout=REQUEST_TIMEOUT)
    layout.raise_for_status()
    deps = session.get(base + "/_dash-dependencies", timeout=REQUEST_TIMEOUT)
    deps.raise_for_status()
    sync, overview = find_callbacks(deps.json())
    props = component_props(layout.json(), {cid for cid, _ in CONTROL_PROPS} | {RESET_ID})
    controls = {(cid, prop): props.get(cid, {}).get(prop) for cid, prop in CONTROL_PROPS}
    known = {
        "brand": [o["value"] for o in props["filter-brand"]["options"]],
        "platform": [o["value"] for o in props["filter-platform"]["options"]],
        "tier": [o["value"] for o in props["filter-tier"]["options"]],
        "category": [o["value"] for o in props["filter-category"]["options"]],
        "price": (props["filter-price"]["min"], props["filter-price"]["max"]),
        "days": (props["filter-dates"]["min_date_allowed"], props["filter-dates"]["max_date_allowed"]),
    }
    return Page(sync, overview, controls, props.get(RESET_ID, {}).get("n_clicks"), known)


def filters_from_sync(body: dict) -> dict:
    return body["response"][FILTERS_ID]["data"]


def first_figures(session: requests.Session, base: str) -> Page:
    """Replay the page load after GET /: layout, dependencies, initial sync, initial Overview."""
    page = load_page(session, base)
    synced = post_callback(session, base, page.sync_request(None))
    post_callback(session, base, page.overview_request(filters_from_sync(synced.body), "D", ""))
    return page


# ---------------------------------------------------------------------------------------------
# 3. Filter combinations
# ---------------------------------------------------------------------------------------------

@dataclass
class Combo:
    """One user selection: control values (what the browser sends) and the granularity."""

    controls: dict[tuple[str, str], object] = field(default_factory=dict)
    granularity: str = "D"

    def raw(self) -> dict:
        """The same selection as raw filter values (the filter store's form, before cleaning)."""
        get = self.controls.get
        price = get(("filter-price", "value")) or [None, None]
        raw = {name: get((f"filter-{name}", "value")) or [] for name in ("brand", "platform", "tier", "category")}
        return {**raw, "price_min": price[0], "price_max": price[1], "min_roas": get(("filter-min-roas", "value")),
                "start": get(("filter-dates", "start_date")), "end": get(("filter-dates", "end_date"))}


def _subset(rng: random.Random, values: list[str]) -> list[str]:
    """Empty (= all) half the time, else a non-empty proper subset when there is one."""
    if len(values) < 2 or rng.random() < 0.5:
        return []
    return rng.sample(values, rng.randint(1, len(values) - 1))


def _day(first: str, offset: int) -> str:
    return (date.fromisoformat(first) + timedelta(days=offset)).isoformat()


def _price_range(rng: random.Random, bounds: tuple[float, float]) -> list[int]:
    """A price range strictly inside the slider's bounds that holds at least one catalogue price."""
    from dashboard.demo import CATALOGUE

    low, high = int(bounds[0]) + 1, int(bounds[1]) - 1
    price = int(rng.choice([p.price for p in CATALOGUE if low <= p.price <= high]))
    return [rng.randint(low, price), rng.randint(price, high)]


def random_combo(rng: random.Random, known: dict) -> Combo:
    controls: dict[tuple[str, str], object] = {}
    for name in ("brand", "platform", "tier", "category"):
        chosen = _subset(rng, known[name])
        if chosen:
            controls[(f"filter-{name}", "value")] = chosen
    if rng.random() < 0.3:
        controls[("filter-price", "value")] = _price_range(rng, known["price"])
    if rng.random() < 0.3:
        controls[("filter-min-roas", "value")] = round(rng.uniform(1.0, 5.0), 1)
    if rng.random() < 0.5:
        first, last = known["days"]
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days
        start = rng.randint(1, span - 15)
        end = rng.randint(start + 7, span - 1)
        controls[("filter-dates", "start_date")] = _day(first, start)
        controls[("filter-dates", "end_date")] = _day(first, end)
    return Combo(controls, "W" if rng.random() < 0.25 else "D")


def make_combos(known: dict, n: int = N_COMBOS, seed: int = COMBO_SEED) -> list[Combo]:
    """`n` distinct, non-default selections (each a cache miss the first time)."""
    rng = random.Random(seed)
    combos, seen = [], set()
    while len(combos) < n:
        combo = random_combo(rng, known)
        key = json.dumps([sorted(map(str, combo.controls.items())), combo.granularity])
        if combo.controls and key not in seen:
            seen.add(key)
            combos.append(combo)
    return combos


# ---------------------------------------------------------------------------------------------
# Measurements over HTTP
# ---------------------------------------------------------------------------------------------

@dataclass
class HttpRun:
    sync: list[Timed] = field(default_factory=list)
    miss: list[Timed] = field(default_factory=list)
    hit: list[Timed] = field(default_factory=list)


def refresh_over_http(session: requests.Session, base: str, page: Page, combos: list[Combo]) -> HttpRun:
    run = HttpRun()
    stored: list[dict] = []
    for combo in combos:
        synced = post_callback(session, base, page.sync_request(combo.controls))
        run.sync.append(synced)
        filters = filters_from_sync(synced.body)
        stored.append(filters)
        run.miss.append(post_callback(session, base, page.overview_request(filters, combo.granularity,
                                                                           f"{FILTERS_ID}.data")))
    for combo, filters in zip(combos, stored):
        run.hit.append(post_callback(session, base, page.overview_request(filters, combo.granularity,
                                                                          f"{FILTERS_ID}.data")))
    return run


# ---------------------------------------------------------------------------------------------
# 4. In-process server-side timing (and profile)
# ---------------------------------------------------------------------------------------------

@dataclass
class InProcess:
    facts_s: float
    refresh_s: list[float]
    encode_s: list[float]
    posts: list[int]  # posts each selection keeps (0: the Overview shows "no data")
    profile: str | None = None


def _refresh_once(service, render, target, combo: Combo):
    """clean + overview + render, as the Overview callback does; returns (overview, outputs)."""
    spec = service.clean(combo.raw())
    overview = service.overview(spec, combo.granularity)
    return overview, render(overview, target, combo.granularity)


def refresh_in_process(db: Path, combos: list[Combo], force_profile: bool = False) -> InProcess:
    """Time clean + overview + render per combination with an empty cache; profile when slow."""
    from dash._utils import to_json

    from callbacks.overview import render_overview
    from dashboard import create_app
    from dashboard.config import Config

    app = create_app(Config(database_url=database_url(db)))
    service = app.server.config["DASHBOARD_SERVICE"]
    target = service.config.targets.get("roas")
    started = time.perf_counter()
    service.facts()
    facts_s = time.perf_counter() - started

    refresh_s, encode_s, posts = [], [], []
    with app.server.app_context():
        for combo in combos:
            service.cache.clear()
            started = time.perf_counter()
            overview, outputs = _refresh_once(service, render_overview, target, combo)
            refresh_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            to_json(list(outputs))
            encode_s.append(time.perf_counter() - started)
            posts.append(overview.posts)
        result = InProcess(facts_s, refresh_s, encode_s, posts)
        if force_profile or statistics.median(refresh_s) * 1000 > PROFILE_ABOVE_MS:
            result.profile = profile_misses(service, render_overview, target, combos)
    return result


def profile_misses(service, render, target, combos: list[Combo], top: int = 10) -> str:
    profiler = cProfile.Profile()
    for combo in combos:
        service.cache.clear()
        profiler.enable()
        _refresh_once(service, render, target, combo)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# 6. Report
# ---------------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def kb(nbytes: float) -> str:
    return f"{nbytes / 1024:.1f} KB"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def verdict(value: float, limit: float | None) -> str:
    return "" if limit is None else ("PASS" if value <= limit else "**FAIL**")


@dataclass
class Row:
    metric: str
    value: str
    target: str = ""
    result: str = ""


def build_rows(data: dict, start: dict, http: HttpRun, local: InProcess, rss: int) -> list[Row]:
    reused = " (reused file; time of the run that generated it)" if data.get("reused") else ""
    gen, store_s = data.get("generate_s"), data.get("store_s")
    miss = local.refresh_s
    sizes = [t.nbytes for t in http.miss]
    rows = [
        Row("generation time (1M events)" + reused, f"{gen:.1f} s" if gen else "n/a", "< 60 s",
            verdict(gen, 60) if gen else "n/a"),
        Row("store time (SQLite)" + reused, f"{store_s:.1f} s" if store_s else "n/a"),
        Row("start → first page (GET / 200)", f"{start['page_s']:.1f} s"),
        Row("start → first figures (initial Overview answered)", f"{start['figures_s']:.1f} s", "≤ 10 s",
            verdict(start["figures_s"], 10)),
        Row("fact tables load+build (in-process, informational)", f"{local.facts_s:.1f} s"),
        Row("cache-miss refresh, server-side in-process, median", ms(statistics.median(miss)), "≤ 300 ms",
            verdict(statistics.median(miss), 0.3)),
        Row("cache-miss refresh, server-side in-process, p90", ms(p90(miss))),
        Row("cache-miss refresh, server-side in-process, max", ms(max(miss))),
        Row("JSON encoding of the outputs, in-process, median", ms(statistics.median(local.encode_s))),
        Row("cache-miss refresh over HTTP, median", ms(statistics.median([t.seconds for t in http.miss]))),
        Row("cache-miss refresh over HTTP, p90", ms(p90([t.seconds for t in http.miss]))),
        Row("cache-hit refresh over HTTP, median", ms(statistics.median([t.seconds for t in http.hit]))),
        Row("filter-sync callback over HTTP, median", ms(statistics.median([t.seconds for t in http.sync]))),
        Row("bytes per Overview refresh, median", kb(statistics.median(sizes)), "≤ 300 KB",
            verdict(statistics.median(sizes), 300 * 1024)),
        Row("bytes per Overview refresh, max", kb(max(sizes)), "≤ 300 KB", verdict(max(sizes), 300 * 1024)),
        Row("server RSS after all requests", f"{rss / 2**20:.0f} MB", "≤ 1 GB", verdict(rss, 2**30)),
    ]
    return rows


def markdown(rows: list[Row]) -> str:
    lines = ["| metric | value | target | result |", "|---|---|---|---|"]
    lines += [f"| {r.metric} | {r.value} | {r.target} | {r.result} |" for r in rows]
    return "\n".join(lines)


def per_request_table(combos: list[Combo], http: HttpRun, local: InProcess) -> str:
    lines = ["| # | filters | gran. | posts kept | in-process miss | HTTP miss | HTTP hit | sync | bytes |",
             "|---|---|---|---|---|---|---|---|---|"]
    for i, combo in enumerate(combos):
        described = ", ".join(f"{cid.removeprefix('filter-')}.{prop}={value}"
                              for (cid, prop), value in combo.controls.items())
        timings = (local.refresh_s[i], http.miss[i].seconds, http.hit[i].seconds, http.sync[i].seconds)
        lines.append(f"| {i + 1} | {described} | {combo.granularity} | {local.posts[i]:,} | "
                     + " | ".join(ms(t) for t in timings) + f" | {kb(http.miss[i].nbytes)} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def measure_server(db: Path) -> tuple[dict, list[Combo], HttpRun, int]:
    """Start the server, time the start-up, run the HTTP refreshes, read its RSS; always stop it."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    log_path = RESULTS / "bench-server.log"
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        proc = start_server(db, port, log)
        try:
            return _measure_running_server(base, proc, log_path, started)
        finally:
            stop_server(proc)


def _measure_running_server(base: str, proc: subprocess.Popen, log_path: Path, started: float):
    with requests.Session() as session:
        wait_for_page(base, proc, log_path)
        page_s = time.perf_counter() - started
        page = first_figures(session, base)
        figures_s = time.perf_counter() - started
        print(f"server up: first page {page_s:.1f} s, first figures {figures_s:.1f} s", flush=True)
        combos = make_combos(page.known)
        http = refresh_over_http(session, base, page, combos)
    rss = psutil.Process(proc.pid).memory_info().rss
    return {"page_s": page_s, "figures_s": figures_s}, combos, http, rss


def _section_refreshers(service):
    """name -> function(spec) doing what each section's callbacks do on a filter change."""
    from callbacks import figures
    from callbacks.advanced import brand_rows, tier_text
    from callbacks.attribution import render_comparison
    from callbacks.incrementality import render_lift, segment_rows
    from callbacks.products import render_products

    def products(spec):
        view = service.products(spec)
        outputs = render_products(view)
        figures.price_figure(view["price"])
        service.launches(spec, 60)
        if len(view["table"]):
            first = view["table"].iloc[0]
            service.best_influencers(spec, first["brand"], first["product"])
        return outputs

    def advanced(spec):
        tiers_result, difference = service.tier_uncertainty(spec)
        brand_rows(service.brands(spec), "95%")
        service.platforms(spec)
        result = service.forecast(spec, "revenue", "W", False)
        return (figures.tier_bootstrap_figure(tiers_result.table, "95%"), tier_text(difference, tiers_result),
                figures.forecast_figure(result, "revenue"))

    def incrementality(spec):
        outputs = render_lift(service.lift(spec))
        table = service.segments(spec, "tier")
        return outputs, figures.forest_figure(table, "tier"), segment_rows(table, "tier")

    def attribution(spec):
        return render_comparison(service.model_comparison(spec))

    return {"Product Performance Hub": products, "Advanced analytics": advanced,
            "Incremental ROAS Center": incrementality, "Attribution comparison (6 models)": attribution}


def refresh_sections_in_process(db: Path, combos: list[Combo]) -> str:
    """Median / p90 / max cache-miss refresh of the other sections over the same combinations."""
    from dashboard import create_app
    from dashboard.config import Config

    app = create_app(Config(database_url=database_url(db)))
    service = app.server.config["DASHBOARD_SERVICE"]
    lines = ["| section | first refresh (cold) | cache-miss median | p90 | max |", "|---|---|---|---|---|"]
    with app.server.app_context():
        service.facts()
        for name, refresh in _section_refreshers(service).items():
            times = []
            for combo in [combos[0]] + combos:
                service.cache.clear()
                started = time.perf_counter()
                refresh(service.clean(combo.raw()))
                times.append(time.perf_counter() - started)
            cold, warm = times[0], times[1:]
            lines.append(f"| {name} | {ms(cold)} | {ms(statistics.median(warm))} | {ms(p90(warm))} | "
                         f"{ms(max(warm))} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the benchmark database")
    parser.add_argument("--profile", action="store_true",
                        help=f"profile the cache misses even when their median is under {PROFILE_ABOVE_MS} ms")
    args = parser.parse_args(argv)

    db, data = prepare_dataset(args.fresh)
    start, combos, http, rss = measure_server(db)
    print("timing the same combinations in-process …", flush=True)
    local = refresh_in_process(db, combos, args.profile)
    print("timing the other sections in-process …", flush=True)
    sections = refresh_sections_in_process(db, combos)

    rows = build_rows(data, start, http, local, rss)
    report = ["## Overview benchmark (10k influencers / 100k posts / 1M events)", "", markdown(rows), "",
              "### Other sections, server-side in-process, cache misses over the same 20 combinations", "",
              "(first refresh: the first combination once, including building fact tables per attribution "
              "model where a section needs them)", "", sections, "",
              "### Per combination", "", per_request_table(combos, http, local)]
    if local.profile:
        report += ["", f"### cProfile of the {len(combos)} in-process cache misses (top 10 cumulative)", "",
                   "```", local.profile.strip(), "```"]
    text = "\n".join(report)
    print()
    print(text)
    (RESULTS / "bench_overview.md").write_text(text + "\n")

    failures = [r.metric for r in rows if "FAIL" in r.result]
    print()
    print("TARGETS MISSED: " + "; ".join(failures) if failures else "All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

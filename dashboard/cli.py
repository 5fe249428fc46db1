"""Command line: `python -m dashboard …` (also installed as `influencer-dashboard`)."""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from analytics.attribution import DEFAULT_MODEL, MODELS
from dashboard import store
from dashboard.config import Config
from dashboard.import_cli import add_import_command, cmd_import


def _engine(config: Config):
    engine = store.make_engine(config.database_url)
    store.create_schema(engine)
    return engine


def _store_demo(engine, args) -> str:
    from dashboard.demo import generate_demo

    started = time.perf_counter()
    demo = generate_demo(n_influencers=args.influencers, n_posts=args.posts, n_events=args.events, seed=args.seed,
                         effect=not args.no_effect)
    generated = time.perf_counter() - started
    version = store.replace_dataset(engine, demo.tables, meta={"demo_truth": demo.truth})
    stored = time.perf_counter() - started - generated
    print(f"demo data: {args.influencers:,} influencers, {args.posts:,} posts, {args.events:,} tracking events "
          f"(seed {args.seed}{', no effect' if args.no_effect else ''}); generated in {generated:.1f} s, "
          f"stored in {stored:.1f} s; data_version {version}")
    return version


def cmd_demo(args, config: Config) -> int:
    engine = _engine(config)
    if not store.is_empty(engine) and not args.replace:
        print("The database already holds data; add --replace to overwrite it with demo data.", file=sys.stderr)
        return 1
    _store_demo(engine, args)
    return 0


def _serve(config: Config, args) -> int:
    from dashboard import create_app

    host = args.host or config.host
    port = args.port or config.port
    app = create_app(config)
    print(f"Influencer ROI Dashboard on http://{host}:{port}/")
    app.run(host=host, port=port, debug=config.debug)
    return 0


def cmd_serve(args, config: Config) -> int:
    return _serve(config, args)


def cmd_run(args, config: Config) -> int:
    """Create the database with demo data when it is empty, then serve."""
    engine = _engine(config)
    if store.is_empty(engine):
        _store_demo(engine, args)
    return _serve(config, args)


def _clean_number(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def summary(config: Config, raw_filters: dict) -> dict:
    """The overview KPIs for the filters, as plain JSON-ready values."""
    from flask import Flask
    from flask_caching import Cache

    from dashboard.data import DataService

    cache = Cache(Flask(__name__), config={"CACHE_TYPE": "SimpleCache"})
    service = DataService(config, _engine(config), cache)
    spec = service.clean(raw_filters)
    overview = service.overview(spec)
    kpis = {key: _clean_number(overview.kpis[key].value) for key in ("revenue", "spend", "roas", "orders", "aov",
                                                                      "profit")}
    kpis["by_brand"] = {
        str(row.brand): {k: _clean_number(float(getattr(row, k))) for k in ("revenue", "spend", "roas", "orders")}
        for row in overview.breakdowns["brand"].itertuples()
    }
    kpis["filters"] = spec.to_dict()
    return kpis


def cmd_summary(args, config: Config) -> int:
    raw = {"brand": args.brand, "platform": args.platform, "tier": args.tier, "category": args.category,
           "start": args.start, "end": args.end, "min_roas": args.min_roas, "price_min": args.price_min,
           "price_max": args.price_max, "model": args.attribution}
    result = summary(config, raw)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key in ("revenue", "spend", "roas", "orders", "aov", "profit"):
            print(f"{key:>8}: {result[key]}")
    return 0


def cmd_export_raw(args, config: Config) -> int:
    engine = _engine(config)
    out = Path(args.directory)
    out.mkdir(parents=True, exist_ok=True)
    for name in store.TABLES:
        frame = store.load_table(engine, name)
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False)
        print(f"{path}: {len(frame):,} rows")
    return 0


def _add_demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--influencers", type=int, default=75, help="number of influencers (default 75)")
    parser.add_argument("--posts", type=int, default=300, help="number of posts (default 300)")
    parser.add_argument("--events", type=int, default=800, help="number of tracking events (default 800)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--no-effect", action="store_true", help="plant no incremental effect (null dataset)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Influencer ROI Dashboard")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="create the database with demo data if empty, then serve")
    _add_demo_options(run)
    serve = sub.add_parser("serve", help="serve the dashboard")
    for p in (run, serve):
        p.add_argument("--host", help="interface to listen on (default $HOST or 127.0.0.1)")
        p.add_argument("--port", type=int, help="port (default $PORT or 8050)")

    demo = sub.add_parser("demo", help="store a generated demo dataset in DATABASE_URL")
    _add_demo_options(demo)
    demo.add_argument("--replace", action="store_true", help="overwrite data already stored")

    summ = sub.add_parser("summary", help="print the overview KPIs for some filters")
    summ.add_argument("--json", action="store_true", help="print JSON")
    for name in ("brand", "platform", "tier", "category"):
        summ.add_argument(f"--{name}", action="append", default=[], help=f"keep this {name} (repeatable)")
    summ.add_argument("--start", help="first day (YYYY-MM-DD)")
    summ.add_argument("--end", help="last day (YYYY-MM-DD)")
    summ.add_argument("--min-roas", type=float, help="keep influencers whose ROAS is at least this")
    summ.add_argument("--price-min", type=float)
    summ.add_argument("--price-max", type=float)
    summ.add_argument("--attribution", choices=MODELS, default=DEFAULT_MODEL, metavar="MODEL",
                      help=f"attribution model: {', '.join(MODELS)} (default {DEFAULT_MODEL})")

    export = sub.add_parser("export-raw", help="write the four stored tables as CSV files")
    export.add_argument("directory")
    add_import_command(sub)
    return parser


COMMANDS = {"run": cmd_run, "serve": cmd_serve, "demo": cmd_demo, "summary": cmd_summary,
            "export-raw": cmd_export_raw, "import": cmd_import}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = Config.from_env()
    except ValueError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    return COMMANDS[args.command](args, config)

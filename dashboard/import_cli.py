"""`python -m dashboard import`: check a file, print the report, and import it only if it is clean.

The whole file is rejected (exit status 1, nothing written, data_version unchanged) when it cannot
be read or when any row has an error; the report says why. Warnings do not stop an import.
Exit status: 0 imported (or checked, with --dry-run), 1 rejected, 2 the file cannot be opened.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analytics.schema import TIER_THRESHOLDS
from dashboard import importer, store

ENTITY_CHOICES = ("influencers", "posts", "tracking", "payouts")


def add_import_command(subparsers) -> argparse.ArgumentParser:
    """Add the ``import`` command to an argparse sub-parser collection and return its parser."""
    parser = subparsers.add_parser(
        "import", help="check a CSV/XLSX/ZIP file and import it into the store",
        description="Check a file, print the report, and import it only if no row has an error.")
    parser.add_argument("file", metavar="FILE", help="CSV, XLSX or ZIP file")
    parser.add_argument("--entity", choices=ENTITY_CHOICES,
                        help="what the file holds (default: taken from the file name)")
    parser.add_argument("--mode", choices=importer.MODES, default="append",
                        help="append: new ids only (default); upsert: add or update by id; replace: the uploaded "
                             "tables replace the stored ones (other tables are kept)")
    parser.add_argument("--user", help="who imports (recorded in the import history)")
    parser.add_argument("--problems", metavar="CSV", help="also write the problem list to this CSV file")
    parser.add_argument("--dry-run", action="store_true", help="check and print the report, import nothing")
    parser.add_argument("--max-lines", type=int, default=20, help="problems listed in the report (default 20)")
    return parser


def cmd_import(args, config) -> int:
    """Run the import command; return the process exit status."""
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as error:
        print(f"cannot open {path}: {error.strerror or error}", file=sys.stderr)
        return 2
    engine = store.make_engine(config.database_url)
    store.create_schema(engine)
    entities = {path.name: args.entity} if args.entity else None
    max_bytes = getattr(config, "max_upload_bytes", importer.DEFAULT_MAX_BYTES)
    try:
        plan = importer.prepare_import({path.name: content}, engine, mode=args.mode, entities=entities,
                                       max_bytes=max_bytes,
                                       tier_thresholds=getattr(config, "tier_thresholds", TIER_THRESHOLDS))
    except importer.ImportRejected as error:
        print(f"rejected: {error}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    print(plan.report(max_lines=args.max_lines))
    print(f"(checked in {plan.seconds:.1f} s)")
    if args.problems:
        Path(args.problems).write_bytes(plan.problems_csv())
        print(f"problem list written to {args.problems}")
    errors = int((plan.problems["severity"] == "error").sum())
    if errors or not plan.can_commit:
        reason = f"{errors:,} problem{'s' * (errors != 1)} with severity error" if errors else \
            "; ".join(plan.blocking)
        print(f"\nrejected: {reason}. The whole file is rejected; nothing was imported.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("\ndry run: nothing was imported.")
        return 0
    started = time.perf_counter()
    try:
        version = importer.commit_import(plan, engine, user=args.user,
                                         keep_snapshots=getattr(config, "import_snapshots",
                                                                store.DEFAULT_KEEP_SNAPSHOTS))
    except importer.ImportRejected as error:
        print(f"rejected: {error.reason}. Nothing was imported.", file=sys.stderr)
        return 1
    counts = plan.counts.iloc[0] if len(plan.counts) == 1 else plan.counts.sum()
    print(f"\nimported: {int(counts['to_add']):,} added, {int(counts['to_update']):,} updated "
          f"in {time.perf_counter() - started:.1f} s; data_version {version}")
    return 0

"""``liveness-mock drift DIR...``: where the vendor's recorded answers and parity snapshots differ
from the contract, for people (Markdown) or machines (JSON); exit 0 clean, 1 drift, 2 usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..contract.kinds import KINDS

CLEAN, DRIFT, USAGE = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The ``drift`` subcommand, on ``liveness-mock``'s subparsers."""
    drift: argparse.ArgumentParser = subparsers.add_parser(
        "drift",
        help="report how recorded vendor answers and parity snapshots differ from the contract",
        description="Read recordings (liveness-mock proxy --record DIR) and parity snapshots "
        "(pytest --liveness-snapshot-update) under each DIR; print every distinct difference once, "
        "with a count, an example and its sources. Exit status: 0 no drift, 1 drift, 2 usage error.",
    )
    drift.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="a folder of recordings and/or snapshots")
    drift.add_argument("--format", choices=("markdown", "json"), default="markdown", help="default markdown")
    drift.add_argument(
        "--fail-on",
        type=_kinds,
        default=None,
        metavar="KINDS",
        help=f"exit 1 only for these kinds, comma-separated ({', '.join(KINDS)}); 'any' (default) or 'none'",
    )
    drift.set_defaults(run=run)
    return drift


def run(args: argparse.Namespace) -> int:
    from ..contract.catalog_loader import load_catalog
    from ..contract.resources import schemas_dir
    from ..contract.schemas import load_contract
    from .evidence import EvidenceError, gather
    from .report import build, render

    contract = load_contract(load_catalog(schemas_dir()), schemas_dir())
    try:
        evidence = gather(contract, list(args.dirs))
    except EvidenceError as exc:
        print(f"liveness-mock drift: {exc}", file=sys.stderr)
        return USAGE
    if not evidence.observations and not evidence.skipped:
        folders = ", ".join(map(str, args.dirs))
        print(f"liveness-mock drift: no recordings or snapshots under {folders}", file=sys.stderr)
        return USAGE
    report = build(evidence)
    print(render(report, args.format))
    failing = report.kinds() if args.fail_on is None else report.kinds() & args.fail_on
    return DRIFT if failing else CLEAN


def _kinds(text: str) -> frozenset[str] | None:
    """The kinds that fail the run; None: any difference (a kind a newer recorder wrote too)."""
    names = {part.strip() for part in text.split(",") if part.strip()}
    if names == {"any"}:
        return None
    if names == {"none"}:
        return frozenset()
    unknown = names - set(KINDS)
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown kind(s) {', '.join(sorted(unknown)) or '(none given)'}")
    return frozenset(names)

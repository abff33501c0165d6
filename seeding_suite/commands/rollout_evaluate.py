"""`seeding-suite rollout evaluate ID --subject S`: one JSON line per subject, computed by the
rules the Convex function keeps (rollouts/evaluation.py; the shared vectors hold both)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.commands.rollout_common import add_common, find, open_target
from seeding_suite.errors import ConfigurationError
from seeding_suite.rollouts.evaluation import evaluate

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions

MAX_SUBJECT_BYTES = 1024


def _subjects(args: argparse.Namespace) -> list[str]:
    subjects = list(args.subject or ())
    if args.subjects_from:
        path = Path(args.subjects_from)
        try:
            text = sys.stdin.read() if args.subjects_from == "-" else path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"--subjects-from {args.subjects_from}: {exc}") from exc
        subjects += [line.rstrip("\r") for line in text.split("\n") if line.rstrip("\r")]
    if not subjects:
        raise ConfigurationError("name a subject: --subject S (repeatable) or --subjects-from FILE")
    for subject in subjects:
        if len(subject.encode("utf-8", "surrogatepass")) > MAX_SUBJECT_BYTES:
            raise ConfigurationError(f"a subject has more than {MAX_SUBJECT_BYTES} bytes")
    return subjects


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Evaluate subjects against a rollout: enabled, variant, bucket and reason per line."""
    subjects = _subjects(args)
    target = open_target(args, read_only=True)
    try:
        rollout = find(target, args.id)
    finally:
        target.close()
    for subject in subjects:
        answer = evaluate(rollout, subject, integration_held=True)
        line = {"subject": subject, **answer.answer(), "bucket": answer.bucket}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    parser = sub.add_parser("evaluate", help=str(cmd_evaluate.__doc__).splitlines()[0])
    parser.add_argument("id", metavar="ID", help="the rollout (an integration id)")
    parser.add_argument("--subject", action="append", metavar="S", help="a subject (repeatable)")
    parser.add_argument(
        "--subjects-from", metavar="FILE", help="subjects, one per line ('-': standard input)"
    )
    target_options(parser)
    add_common(parser, writes=False)
    parser.set_defaults(run=cmd_evaluate)

"""`claimtrack publish` on bench/run.py's synthetic databases: the first run into an empty
folder, then a run after one verdict (what it rewrites), each timed as a fresh process.

    python bench/publish.py --sizes 10000 100000
    python bench/publish.py --sizes 1000000 --workers 2 --progress
    python bench/publish.py --sizes 1000000 --sample 200

With ``--progress`` each publish says on stderr how far it has got (a whole run at a million
claims takes over an hour).

With ``--sample N`` it does not publish the whole site (at a million claims that is hours):
it counts how many files of each kind the site has at that size (claim pages, their JSON,
list pages, claimant pages…), times N of each kind through the publish's own steps (the
application answering in process, the links rewritten, the file written), and gives the
time the whole run would take at those costs; and the time a run after one verdict would
take, which renders every file but the unchanged claims' (their numbers, timed here too,
tell which those are).

Prints a Markdown table for docs/benchmarks.md. No test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

BASE = "https://tracker.example.org/"


def _claimtrack(
    *args: str, env: dict[str, str], talk: bool = False
) -> tuple[float, dict[str, Any]]:
    """Run the CLI as a fresh process; with ``talk`` its stderr (a publish's progress lines)
    goes to ours as it comes, not kept for the error message."""
    executable = str(Path(sys.executable).with_name("claimtrack"))
    started = time.perf_counter()
    done = subprocess.run(
        [executable, *args, "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if talk else subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        said = (done.stderr or "(above)").strip()[:500]
        raise SystemExit(f"claimtrack {' '.join(args)} failed: {said}")
    return elapsed, json.loads(done.stdout) if done.stdout.strip() else {}


def measure(
    info: dict[str, Any], folder: Path, env: dict[str, str], workers: int = 1, talk: bool = False
) -> dict[str, Any]:
    db = run.working_copy(info, "publish")
    out = folder / f"site-{info['claims']}"
    shutil.rmtree(out, ignore_errors=True)
    publish = ("publish", str(out), "--base-url", BASE, "--db", str(db), "--workers", str(workers))
    if talk:
        publish += ("--progress",)
    first_s, first = _claimtrack(*publish, env=env, talk=talk)
    _, due = _claimtrack("list", "--status", "due", "--limit", "1", "--db", str(db), env=env)
    claim = str(due[0]["id"])  # a claim awaiting a check gets its verdict
    verdict = ("verdict", claim, "broken", "--note", "Bench.", "--checked-on", "2026-01-15")
    _claimtrack(*verdict, "--db", str(db), env=env)
    again_s, again = _claimtrack(*publish, env=env, talk=talk)
    return {"first_s": first_s, "first": first, "again_s": again_s, "again": again}


def site_files(db_path: Path, as_of: str, picks: int = 2000) -> dict[str, tuple[int, list[str]]]:
    """How many files of each kind the published site has, as the crawl would reach them,
    and addresses of that kind to time: each claim's page, JSON and history; the lists of
    every claim, by status, by status and tag, by status and claimant, and each tag's list,
    page by page; each claimant's page, each claimant's and tag's feed and calendar.
    Counted from the database (the statuses as of ``as_of``). The list pages to time start
    after ``picks`` claims drawn at random, so they lie at every depth of every list, as
    many in a list as it has pages."""
    from collections import Counter
    from datetime import UTC, datetime
    from urllib.parse import quote, urlencode

    from sqlmodel import func, select

    from claimtrack.records.models import Actor, Claim, ClaimActor, ClaimTag
    from claimtrack.records.moments import AsOf
    from claimtrack.records.status_sql import live, status_of_row
    from claimtrack.records.store import open_database
    from claimtrack.web.paging import PAGE_SIZE

    moment = AsOf(datetime.fromisoformat(as_of).replace(hour=23, minute=59, tzinfo=UTC), UTC)
    status = status_of_row(moment.moment, moment.day).label("status")
    db = open_database(str(db_path))
    counts: Counter[str] = Counter()
    addresses: dict[str, list[str]] = {}

    def files(kind: str, number: int, *some: str) -> None:
        counts[kind] += number
        addresses.setdefault(kind, []).extend(some)

    def pages(kind: str, first: str, claims: int) -> None:
        files(kind, -(-claims // PAGE_SIZE), first)

    with db.read() as session:
        ids = [i for (i,) in session.execute(select(Claim.id).where(live()))]
        sampled = ids[:: max(1, len(ids) // picks)]  # claims spread across the record
        for kind, address in (
            ("claim page", "/claims/{}"),
            ("claim JSON", "/api/claims/{}"),
            ("claim history JSON", "/api/claims/{}/history"),
        ):
            files(kind, len(ids), *(address.format(i) for i in sampled))
        pages("list of every claim", "/?every=1", len(ids))
        for name, n in session.execute(select(status, func.count()).where(live()).group_by(status)):
            pages("list by status", "/?" + urlencode({"status": name}), n)

        def by_status(name: Any, *joins: tuple[Any, Any]) -> Any:
            """Live claims counted by ``name`` and status, through ``joins``."""
            query = select(name, status, func.count())
            for table, on in joins:
                query = query.join(table, on)
            return session.execute(query.where(live()).group_by(name, status))

        tagged = by_status(ClaimTag.tag, (Claim, Claim.id == ClaimTag.claim_id))
        tags: Counter[str] = Counter()
        for tag, name, n in tagged:
            pages("list by status and tag", "/?" + urlencode({"status": name, "tag": tag}), n)
            tags[tag] += n
        for tag, n in tags.items():
            pages("tag page", f"/tags/{quote(tag)}", n)
            files(
                "tag feed and calendar",
                2,
                f"/tags/{quote(tag)}/feed.atom",
                f"/tags/{quote(tag)}/deadlines.ics",
            )
        named = by_status(
            Actor.name,
            (ClaimActor, ClaimActor.actor_id == Actor.id),
            (Claim, Claim.id == ClaimActor.claim_id),
        )
        claimants: set[str] = set()
        for actor, name, n in named:
            pages("list by status and claimant", "/?" + urlencode({"status": name, "by": actor}), n)
            claimants.add(actor)
        for actor in sorted(claimants):
            files("claimant page", 1, f"/claimants/{quote(actor)}")
            feeds = [
                f"/claimants/{quote(actor)}/feed.atom",
                f"/claimants/{quote(actor)}/deadlines.ics",
            ]
            files("claimant feed and calendar", 2, *feeds)
        drawn = (
            select(Claim.id, status, Actor.name, ClaimTag.tag)
            .join(ClaimActor, (ClaimActor.claim_id == Claim.id) & (ClaimActor.position == 0))
            .join(Actor, Actor.id == ClaimActor.actor_id)
            .join(ClaimTag, ClaimTag.claim_id == Claim.id)
            .where(live(), Claim.id.in_(sampled))
        )
        for claim, name, actor, tag in session.execute(drawn):  # a page after each
            files("list of every claim", 0, f"/?every=1&after={claim}")
            files("list by status", 0, "/?" + urlencode({"status": name, "after": claim}))
            query = urlencode({"status": name, "tag": tag, "after": claim})
            files("list by status and tag", 0, f"/?{query}")
            files("tag page", 0, f"/tags/{quote(tag)}?after={claim}")
            query = urlencode({"status": name, "by": actor, "after": claim})
            files("list by status and claimant", 0, f"/?{query}")
    db.dispose()
    return {kind: (counts[kind], addresses[kind]) for kind in counts}


CLAIM_KINDS = ("claim page", "claim JSON", "claim history JSON")


def numbered(db_path: Path) -> float:
    """Seconds to take every claim's number, as a publish does before it crawls."""
    from datetime import UTC, datetime

    from claimtrack.records.fingerprints import claim_numbers
    from claimtrack.records.store import open_database

    now = datetime.fromisoformat(run.AS_OF).replace(hour=23, minute=59, tzinfo=UTC)
    db = open_database(str(db_path))
    started = time.perf_counter()
    with db.read() as session:
        claim_numbers(session, now)
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


def sample(db_path: Path, count: int, out: Path) -> list[tuple[str, int, float]]:
    """Each kind's files at this size and the mean ms of ``count`` of them, published."""
    import random
    from datetime import UTC, datetime

    from claimtrack.config import Config
    from claimtrack.records.store import open_database
    from claimtrack.web import publish

    kinds = site_files(db_path, run.AS_OF)
    now = datetime.fromisoformat(run.AS_OF).replace(hour=23, minute=59, tzinfo=UTC)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # The publish's own answerer: the application in process, each batch of addresses in
    # one read session with its claims loaded together, the links rewritten, the file
    # written.
    answerer = publish._Answerer(open_database(str(db_path)), Config(), BASE, now, out)
    rng = random.Random(7)
    answerer.answer_all(["/?every=1"])  # templates compiled, the counts taken, as in a run
    found = []
    for kind, (files, addresses) in kinds.items():
        chosen = rng.sample(addresses, min(count, len(addresses)))
        started = time.perf_counter()
        answers = answerer.answer_all(chosen)
        found.append((kind, files, 1000 * (time.perf_counter() - started) / len(chosen)))
        refused = [(a.address, a.status) for a in answers if a.status != 200]
        if refused:
            raise SystemExit(f"not answered: {refused[:5]}")
        print(f"  {found[-1]}", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "claimtrack-bench"
    )
    parser.add_argument("--sample", type=int, help="time N files of each kind, not a whole run")
    parser.add_argument("--workers", type=int, default=1, help="claimtrack publish --workers")
    parser.add_argument(
        "--progress", action="store_true", help="show each publish's progress lines on stderr"
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    env = run.environment(args.folder)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if args.sample:
        for size in args.sizes:
            info = run.database(args.folder, size) | {"claims": size}
            found = sample(Path(info["path"]), args.sample, args.folder / f"sampled-{size}")
            total_files = sum(n for _, n, _ in found)
            total_s = sum(n * ms / 1000 for _, n, ms in found)
            numbers_s = numbered(Path(info["path"]))
            rest = [(n, ms) for kind, n, ms in found if kind not in CLAIM_KINDS]
            changed = [ms for kind, _, ms in found if kind in CLAIM_KINDS]
            again_s = numbers_s + sum(n * ms / 1000 for n, ms in rest) + sum(changed) / 1000
            command = f"python bench/publish.py --sizes {size} --sample {args.sample}"
            print(f"Taken {started}, `{command}`\n")
            print("| kind of file | files | ms each (mean) | whole run (s) |")
            print("|---|---:|---:|---:|")
            for kind, n, ms in found:
                print(f"| {kind} | {n:,} | {ms:.1f} | {n * ms / 1000:,.0f} |")
            hours = f"{total_s:,.0f}** ({total_s / 3600:.1f} h)"
            print(f"| **all** | **{total_files:,}** | | **{hours} |\n")
            print(
                f"Every claim's number: {numbers_s:,.1f} s. A run after one verdict (the "
                f"numbers, every file but the unchanged claims' three): {again_s:,.0f} s "
                f"({again_s / 3600:.1f} h).\n"
            )
        return
    rows = []
    for size in args.sizes:
        print(f"{size:,} claims: setting up", file=sys.stderr)
        info = run.database(args.folder, size) | {"claims": size}
        found = measure(info, args.folder, env, args.workers, args.progress)
        print(f"  {found}", file=sys.stderr)
        rows.append((size, found))
    sizes = " ".join(map(str, args.sizes))
    print(f"Taken {started}, `python bench/publish.py --sizes {sizes} --workers {args.workers}`\n")
    print(
        "| claims | first run (s) | files | MB | after one verdict (s) | files rewritten "
        "| files kept unrendered |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, f in rows:
        print(
            f"| {size:,} | {f['first_s']:.1f} | {f['first']['files']:,} | "
            f"{f['first']['bytes'] / 1e6:,.0f} | {f['again_s']:.1f} | {f['again']['written']:,} "
            f"| {f['again']['reused']:,} |"
        )


if __name__ == "__main__":
    main()

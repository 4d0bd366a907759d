"""A process that imports SARAH once, then forks one worker per request.

The fault tests kill the workers with SIGKILL at chosen moments. Forking from a process that
has already imported SQLAlchemy, alembic and SARAH (but opened no database) makes each worker
start in milliseconds, so that 50+ kill points per case fit in the time budget; each worker is a
real process with its own SQLite connections, killed for real.

Protocol, one JSON object per line on stdin: ``{"op": ..., "out": file, ...}``; the reply on
stdout is ``PID <pid>``. The worker writes its acknowledgements to ``out``, one line each, only
after the operation they acknowledge has returned (for a save: after COMMIT).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
import uuid
from datetime import date, time
from pathlib import Path

# Everything the workers need, imported once before any fork.
import sarah.cli
from sarah import paths
from sarah.services.backups.create import create_backup
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database


def _say(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())


def save_loop(req: dict[str, object], out: int) -> None:
    engine = open_database(str(req["db"]))
    site = uuid.UUID(str(req["site"]))
    services = [uuid.UUID(s) for s in req["services"]]  # type: ignore[union-attr]
    visitor = uuid.UUID(str(req["visitor"]))
    _say(out, "READY")
    i = 0
    while True:
        saved = log_contact(
            engine,
            ContactDraft(
                site_id=site,
                channel="physique",
                local_date=date(2020, 1, 1 + i % 28),
                local_time=time(10, i % 60),
                visitor_id=visitor,
                service_ids=services,
            ),
        )
        _say(out, f"ACK {saved.id.hex}")  # only once COMMIT has returned
        i += 1


def backup(req: dict[str, object], out: int) -> None:
    info = create_backup(Path(str(req["db"])), Path(str(req["folder"])), "automatique")
    _say(out, f"DONE {info.path}")


def migrate(req: dict[str, object], out: int) -> None:
    open_database(str(req["db"])).dispose()
    _say(out, "DONE")


def cli(req: dict[str, object], out: int) -> None:
    code = sarah.cli.main([str(a) for a in req["argv"]])  # type: ignore[union-attr]
    _say(out, f"DONE {code}")


def _say_steps(req: dict[str, object], out: int) -> None:
    """From now on, say each durable step (every rename, every fsync of a file) once it is done,
    as ``STEP <n> <what>``; at step ``stop_at`` wait there to be killed."""
    from sarah.services.backups import create, restore

    stop_at = int(str(req.get("stop_at") or 0))
    count = [0]
    real_replace, real_fsync_file = os.replace, create.fsync_file

    def step(what: str) -> None:
        count[0] += 1
        _say(out, f"STEP {count[0]} {what}")
        if count[0] == stop_at:
            while True:
                signal.pause()  # until SIGKILL

    def replace(src: object, dst: object) -> None:
        real_replace(src, dst)  # type: ignore[arg-type]
        step(f"replace {Path(str(src)).name} {Path(str(dst)).name}")

    def fsync_file(path: Path) -> None:
        real_fsync_file(path)
        step(f"fsync {Path(path).name}")

    os.replace = replace  # type: ignore[assignment]
    create.fsync_file = fsync_file
    restore.fsync_file = fsync_file


def cli_steps(req: dict[str, object], out: int) -> None:
    """``cli``, saying its steps (see :func:`_say_steps`)."""
    _say_steps(req, out)
    cli(req, out)


def recover_steps(req: dict[str, object], out: int) -> None:
    """The next start's recovery of an interrupted restore, saying its steps."""
    from sarah.services.backups.journal import recover_interrupted_restore

    _say_steps(req, out)
    said = recover_interrupted_restore(Path(str(req["db"])))
    _say(out, f"DONE {said}")


def backup_steps(req: dict[str, object], out: int) -> None:
    """``backup``, saying its steps (see :func:`_say_steps`)."""
    _say_steps(req, out)
    backup(req, out)


def migrate_steps(req: dict[str, object], out: int) -> None:
    """``migrate``, saying its steps (see :func:`_say_steps`)."""
    _say_steps(req, out)
    migrate(req, out)


OPS = {
    "save_loop": save_loop,
    "backup": backup,
    "migrate": migrate,
    "cli": cli,
    "cli_steps": cli_steps,
    "recover_steps": recover_steps,
    "backup_steps": backup_steps,
    "migrate_steps": migrate_steps,
}


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    for line in sys.stdin:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                quiet = os.open(os.devnull, os.O_WRONLY)  # the zygote's stdout is the protocol
                os.dup2(quiet, 1)
                os.dup2(quiet, 2)
                os.environ["SARAH_BASEDIR"] = str(req["basedir"])
                paths.set_basedir(None)
                out = os.open(str(req["out"]), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    OPS[req["op"]](req, out)
                except BaseException:
                    _say(out, "ERROR " + traceback.format_exc().replace("\n", " | "))
                    code = 1
            finally:
                os._exit(code)
        sys.stdout.write(f"PID {pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

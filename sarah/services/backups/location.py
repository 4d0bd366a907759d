"""Where the live database may live: a local disk only (SQLite's own advice).

SQLite's locking and syncing are not reliable over network file systems, and sync clients
(OneDrive, Dropbox, Google Drive…) upload or replace the file while it is being written, which
loses entries or breaks the file. So the live database is refused:

- on a network share: a UNC path (``\\\\serveur\\partage``), a mapped network drive on Windows
  (``GetDriveTypeW`` says ``DRIVE_REMOTE``), or a network file system mount elsewhere
  (nfs, cifs/smb, sshfs… read from ``/proc/self/mounts``);
- in a folder kept by a cloud-sync client: the usual folder names, and the folders the
  clients announce in environment variables (``OneDrive``, ``OneDriveCommercial``…).

Backups may go to any of these places: they are single files written once and verified.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath, PureWindowsPath

from sarah.errors import UserError

CLOUD_FOLDER_NAMES = (
    "onedrive",
    "dropbox",
    "google drive",
    "googledrive",
    "google drive file stream",
    "drivefs",
    "mon drive",
    "my drive",
    "icloud",
    "icloud drive",
    "iclouddrive",
    "com~apple~clouddocs",
    "box",
    "box sync",
    "pcloud drive",
    "nextcloud",
    "owncloud",
    "megasync",
    "mega",
    "sync",
    "cloudstorage",
    "mobile documents",
)
# Names that are common words too ("box", "mega", "sync"): only a cloud folder when they sit
# directly in the user's home folder, as their clients create them.
HOME_ONLY_NAMES = {"box", "mega", "sync", "nextcloud", "owncloud"}
CLOUD_ENV_VARS = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")

NETWORK_FS_TYPES = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "ncpfs",
    "afs",
    "9p",
    "fuse.sshfs",
    "sshfs",
    "fuse.rclone",
    "davfs",
    "fuse.davfs2",
    "webdav",
    "glusterfs",
    "fuse.glusterfs",
    "ceph",
    "fuse.s3fs",
}

DRIVE_REMOTE = 4  # GetDriveTypeW

NETWORK_ADVICE = (
    "Une base SARAH partagée entre plusieurs postes doit être un serveur PostgreSQL "
    "(option --db postgresql://…), pas un fichier sur un dossier partagé."
)

NETWORK_REASON = "le fichier est sur un partage réseau"
CLOUD_REASON = "le fichier est dans un dossier synchronisé avec un service en ligne"


def _windows_drive_type(root: str) -> int | None:
    if sys.platform != "win32":
        return None
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined,unused-ignore]


def _linux_mounts() -> str:
    try:
        return Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _unescape_mount(text: str) -> str:
    # /proc/mounts escapes space, tab, newline and backslash as octal.
    return (
        text.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
    )


def network_mount_type(path: Path, mounts: str) -> str | None:
    """The file system type of the mount holding ``path`` when it is a network one."""
    best: tuple[int, str] | None = None
    text = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape_mount(fields[1]), fields[2].lower()
        if text == point or text.startswith(point.rstrip("/") + "/"):
            if best is None or len(point) > best[0]:
                best = (len(point), fstype)
    if best is None:
        return None
    return best[1] if best[1] in NETWORK_FS_TYPES else None


def _is_unc(text: str) -> bool:
    return text.startswith("\\\\") or text.startswith("//")


def _is_cloud(path: PurePath, home: PurePath | None, env_roots: Iterable[str]) -> bool:
    lowered = str(path).lower().replace("\\", "/").rstrip("/") + "/"
    for root in env_roots:
        if root:
            prefix = root.lower().replace("\\", "/").rstrip("/") + "/"
            if lowered.startswith(prefix):
                return True
    parts = [p.lower() for p in path.parts]
    home_parts = [p.lower() for p in home.parts] if home is not None else None
    for i, part in enumerate(parts[:-1]):  # folders only, not the file name itself
        for name in CLOUD_FOLDER_NAMES:
            if not (part == name or part.startswith(name + " -") or part.startswith(name + " (")):
                continue
            if name in HOME_ONLY_NAMES and (home_parts is None or parts[:i] != home_parts):
                continue
            return True
    return False


def unsafe_location_reason(
    path: Path,
    *,
    drive_type: Callable[[str], int | None] = _windows_drive_type,
    mounts: Callable[[], str] = _linux_mounts,
    home: PurePath | None = None,
    environ: dict[str, str] | None = None,
) -> str | None:
    """Why ``path`` is no place for the live database, or None when it is a local folder.

    The system look-ups are parameters so that the Windows cases can be tested anywhere.
    """
    text = str(path)
    if _is_unc(text) or text.lower().startswith(("\\\\?\\unc\\", "//?/unc/")):
        return NETWORK_REASON
    win = PureWindowsPath(text)
    if win.drive and len(win.drive) == 2 and win.drive[1] == ":":
        if drive_type(win.drive + "\\") == DRIVE_REMOTE:
            return NETWORK_REASON + " (lecteur réseau " + win.drive.upper() + ")"
    elif sys.platform.startswith("linux") and Path(text).is_absolute():
        fstype = network_mount_type(Path(text), mounts())
        if fstype:
            return f"{NETWORK_REASON} ({fstype})"
    env = os.environ if environ is None else environ
    home = home if home is not None else Path.home()
    pure: PurePath = win if win.drive else PurePath(text)
    if _is_cloud(pure, home, [env.get(v, "") for v in CLOUD_ENV_VARS]):
        return CLOUD_REASON
    return None


def refuse_unsafe_location(path: Path) -> None:
    reason = unsafe_location_reason(path)
    if reason:
        raise UserError(
            f"SARAH refuse d'ouvrir la base {path} : {reason}. Une base SQLite peut y être "
            f"abîmée ou perdre des saisies (verrous et écritures non fiables). Placez-la sur un "
            f"disque local ; les sauvegardes, elles, peuvent aller sur un partage ou une clé. "
            + NETWORK_ADVICE
        )

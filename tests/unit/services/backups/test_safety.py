"""The live database is refused on network shares and in cloud-synced folders."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from sarah.cli import main
from sarah.errors import UserError
from sarah.services.backups.location import (
    CLOUD_REASON,
    DRIVE_REMOTE,
    NETWORK_REASON,
    network_mount_type,
    refuse_unsafe_location,
    unsafe_location_reason,
)

LOCAL_DRIVE = 3  # GetDriveTypeW: DRIVE_FIXED
WIN_HOME = PureWindowsPath(r"C:\Users\nadia")
LINUX_HOME = PurePosixPath("/home/nadia")


def windows(
    path: str, drives: dict[str, int] | None = None, env: dict[str, str] | None = None
) -> str | None:
    table = {"C:\\": LOCAL_DRIVE, "D:\\": LOCAL_DRIVE, **(drives or {})}
    return unsafe_location_reason(
        Path(path),
        drive_type=lambda root: table.get(root.upper()),
        mounts=lambda: "",
        home=WIN_HOME,
        environ=env or {},
    )


def linux(path: str, mounts: str = "", env: dict[str, str] | None = None) -> str | None:
    return unsafe_location_reason(
        Path(path),
        drive_type=lambda _root: None,
        mounts=lambda: mounts,
        home=LINUX_HOME,
        environ=env or {},
    )


@pytest.mark.parametrize(
    "path",
    [
        r"\\serveur\partage\sarah.sqlite",
        r"\\?\UNC\serveur\partage\sarah.sqlite",
        "//serveur/partage/sarah.sqlite",
    ],
)
def test_unc_paths_are_network_shares(path: str) -> None:
    assert windows(path) == NETWORK_REASON


def test_mapped_network_drive_is_refused_local_drives_are_not() -> None:
    assert windows(r"Z:\SARAH\sarah.sqlite", {"Z:\\": DRIVE_REMOTE}) == (
        NETWORK_REASON + " (lecteur réseau Z:)"
    )
    assert windows(r"z:\SARAH\sarah.sqlite", {"Z:\\": DRIVE_REMOTE}) is not None
    assert windows(r"D:\SARAH\sarah.sqlite") is None
    assert windows(r"C:\Users\nadia\AppData\Local\SARAH\sarah.sqlite") is None


@pytest.mark.parametrize(
    "path",
    [
        r"C:\Users\nadia\OneDrive\SARAH\sarah.sqlite",
        r"C:\Users\nadia\OneDrive - Mairie de Dijon\Documents\sarah.sqlite",
        r"C:\Users\nadia\Dropbox\sarah.sqlite",
        r"C:\Users\nadia\Dropbox (Personnel)\sarah.sqlite",
        r"G:\Mon Drive\SARAH\sarah.sqlite",
        r"G:\My Drive\sarah.sqlite",
        r"C:\Users\nadia\Google Drive\sarah.sqlite",
        r"C:\Users\nadia\iCloudDrive\sarah.sqlite",
        r"C:\Users\nadia\Box\sarah.sqlite",
    ],
)
def test_cloud_synced_folders_on_windows(path: str) -> None:
    assert windows(path) == CLOUD_REASON


def test_onedrive_folder_announced_by_its_client_is_refused_whatever_its_name() -> None:
    env = {"OneDriveCommercial": r"C:\Users\nadia\Cloud Mairie"}
    assert windows(r"C:\Users\nadia\Cloud Mairie\sarah.sqlite", env=env) == CLOUD_REASON
    assert windows(r"C:\Users\nadia\Documents\sarah.sqlite", env=env) is None


@pytest.mark.parametrize(
    "path",
    [
        "/home/nadia/Dropbox/sarah.sqlite",
        "/home/nadia/Library/CloudStorage/GoogleDrive-nadia@example.org/My Drive/sarah.sqlite",
        "/home/nadia/Library/Mobile Documents/com~apple~CloudDocs/sarah.sqlite",
        "/home/nadia/Nextcloud/sarah.sqlite",
    ],
)
def test_cloud_synced_folders_elsewhere(path: str) -> None:
    assert linux(path) == CLOUD_REASON


@pytest.mark.parametrize(
    "path",
    [
        "/home/nadia/.local/share/SARAH/sarah.sqlite",
        "/home/nadia/Documents/box/sarah.sqlite",  # a folder called "box" deeper down is local
        "/home/nadia/sync.sqlite",  # a file name is not a folder
        "/srv/data/Mega/sarah.sqlite",
    ],
)
def test_ordinary_local_folders_are_accepted(path: str) -> None:
    assert linux(path) is None


MOUNTS = (
    "/dev/vda / ext4 rw 0 0\n"
    "//nas/partage /mnt/nas cifs rw 0 0\n"
    "nas:/export /srv/nfs nfs4 rw 0 0\n"
    "/dev/sdb1 /mnt/nas/local\\040disk ext4 rw 0 0\n"
)


def test_network_mounts_are_refused_by_their_file_system_type() -> None:
    assert network_mount_type(Path("/mnt/nas/sarah.sqlite"), MOUNTS) == "cifs"
    assert network_mount_type(Path("/srv/nfs/a/sarah.sqlite"), MOUNTS) == "nfs4"
    assert network_mount_type(Path("/mnt/nas/local disk/sarah.sqlite"), MOUNTS) is None
    assert network_mount_type(Path("/mnt/nasty/sarah.sqlite"), MOUNTS) is None
    assert linux("/mnt/nas/sarah.sqlite", MOUNTS) == NETWORK_REASON + " (cifs)"


def test_the_refusal_explains_why_and_points_to_the_shared_server_option(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        refuse_unsafe_location(tmp_path / "Dropbox" / "sarah.sqlite")
    message = str(caught.value)
    assert "synchronisé" in message and "PostgreSQL" in message and "disque local" in message


def test_commands_refuse_a_database_in_a_cloud_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "OneDrive" / "sarah.sqlite"
    assert main(["--db", str(target), "backup", "create"]) == 2
    assert "OneDrive" in capsys.readouterr().err
    assert not target.parent.exists()  # nothing created there

"""The tables, in SQLAlchemy Core: what the database holds, without the ORM.

The ORM classes of ``sarah.models`` map these tables; code that only reads sums (the semester
tables of a command, the statistics) uses them directly, so that a command need not import
``sqlalchemy.orm`` and build the mappers (a tenth of a second of every start). Migrations are
compared with this metadata (tests/migrations/test_migrations.py).
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    func,
)

# Stable constraint names so that alembic batch migrations can find them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def travelling_columns() -> list[Column[object]]:
    """Columns that let a row be merged at any site, in any order, any number of times.

    - ``id``: a UUID made where the row is born, never reused;
    - ``origin_site_id``: the site whose installation created the row;
    - ``deleted_at``: deleting is soft everywhere, the tombstone travels too;
    - ``revision`` and ``changed_by`` together are the row's version (docs/sync.md): ``revision``
      is this installation's Lamport clock when the row last changed.
    """
    return [
        Column("id", Uuid, primary_key=True, default=new_id),
        Column("revision", Integer, nullable=False, default=0, server_default="0"),
        Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
        Column(
            "updated_at",
            DateTime,
            nullable=False,
            server_default=func.current_timestamp(),
            onupdate=func.current_timestamp(),
        ),
        Column("deleted_at", DateTime, nullable=True, default=None),
        Column("origin_site_id", Uuid, ForeignKey("sites.id"), nullable=True),
        # The installation whose change made this version (docs/sync.md): with ``revision``, the
        # row's version; NULL for rows written before versions existed (migration 0004).
        Column("changed_by", Uuid, nullable=True, default=None),
    ]


sites = Table(
    "sites",
    metadata,
    Column("name", String(120), nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    # The clock value of the last write transaction made at this site (backups: "changed?").
    Column("last_revision", Integer, nullable=False, default=0, server_default="0"),
    *travelling_columns(),
)

# A weekday the site was closed on purpose (so the gap alert stays quiet about it).
closed_days = Table(
    "closed_days",
    metadata,
    Column("site_id", Uuid, ForeignKey("sites.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("reason", String(200), nullable=True, default=None),
    *travelling_columns(),
    UniqueConstraint("site_id", "day"),
)

# The catalogue. A service's code is stable; its label may change; a used one is only retired.
services = Table(
    "services",
    metadata,
    Column("code", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("retired", Boolean, nullable=False, default=False, server_default="0"),
    Column("shortcut", String(1), nullable=True, default=None),
    *travelling_columns(),
)

# A neighbourhood of residence the coordinator lists (the city's priority neighbourhoods, "hors
# QPV"): what a funder asks of where people live, never an address. ``priority``: a quartier
# prioritaire de la politique de la ville (QPV); ``shortcut``: the one key that picks it at the
# desk. No people's value ("non renseigné") is NULL on the person, not a row here. Travels.
neighbourhoods = Table(
    "neighbourhoods",
    metadata,
    Column("label", String(120), nullable=False),
    Column("priority", Boolean, nullable=False, default=False, server_default="0"),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    Column("retired", Boolean, nullable=False, default=False, server_default="0"),
    Column("shortcut", String(1), nullable=True, default=None),
    *travelling_columns(),
)

# A person who came or called (a "public").
visitors = Table(
    "visitors",
    metadata,
    Column("last_name", String(120), nullable=False),
    Column("first_name", String(120), nullable=False, default=""),
    Column("sex", String(1), nullable=True, default=None),
    Column("birth_date", Date, nullable=True, default=None),
    # "dupont jean": case, accents and extra spaces folded (sarah.services.text.fold_name)
    Column("search_key", String(250), nullable=False, default=""),
    # Derived from the names (sarah.services.name_matching.derived_columns), written with them,
    # emptied by an erasure, recomputed wherever rows arrive, so not carried by sync packages
    # (info "derived"). For the tolerant search and the duplicate checks: the person's two
    # phonetic codes ("dilo mamado"), and "<code> <letters>" of each name ("dilo diallo"). For
    # the exact search, so that a first name typed is an index range: the folded first name,
    # and whether a name has several words (the people whose later words it must still read).
    Column(
        "sound_key",
        String(250),
        nullable=False,
        default="",
        server_default="",
        info={"derived": True},
    ),
    Column(
        "last_sound",
        String(250),
        nullable=False,
        default="",
        server_default="",
        info={"derived": True},
    ),
    Column(
        "first_sound",
        String(250),
        nullable=False,
        default="",
        server_default="",
        info={"derived": True},
    ),
    Column(
        "first_key",
        String(250),
        nullable=False,
        default="",
        server_default="",
        info={"derived": True},
    ),
    Column(
        "compound_name",
        Boolean,
        nullable=False,
        default=False,
        server_default="0",
        info={"derived": True},
    ),
    # Where the person lives, from the coordinator's list (migration 0012); NULL: not given.
    Column(
        "neighbourhood_id",
        Uuid,
        ForeignKey("neighbourhoods.id"),
        nullable=True,
        default=None,
    ),
    # Set on the absorbed record when two records of one person are merged.
    Column("merged_into_id", Uuid, ForeignKey("visitors.id"), nullable=True, default=None),
    # When the identity was erased (retention purge or request, docs/rgpd.md): names are then
    # "", the birth date NULL; the sex and the contacts stay, so that no table changes.
    Column("erased_at", DateTime, nullable=True, default=None),
    *travelling_columns(),
    CheckConstraint("sex IS NULL OR sex IN ('F', 'H')", name="sex"),
    Index("ix_visitors_search_key", "search_key"),
    Index("ix_visitors_birth_date", "birth_date"),
    Index("ix_visitors_sound_key", "sound_key"),
    # With the first name: a last name and a first name found by two typed words are read
    # from the index together.
    Index("ix_visitors_last_sound", "last_sound", "first_sound"),
    Index("ix_visitors_first_sound", "first_sound"),
    Index("ix_visitors_first_key", "first_key"),
    Index("ix_visitors_compound_name", "compound_name", "search_key"),
)

# Trace of a merge: which record absorbed which, what both looked like, which contacts moved.
# Undoing the merge tombstones its trace (deleted_at) with a new revision.
visitor_merges = Table(
    "visitor_merges",
    metadata,
    Column("survivor_id", Uuid, ForeignKey("visitors.id"), nullable=False),
    Column("absorbed_id", Uuid, ForeignKey("visitors.id"), nullable=False),
    Column("merged_at", DateTime, nullable=False),
    Column("moved_contacts", Integer, nullable=False),
    Column("absorbed_profile", Text, nullable=False),  # JSON snapshot of the absorbed record
    Column("agent", String(120), nullable=True, default=None),
    # What undoing the merge needs (migration 0003; NULL for merges recorded before it):
    # JSON list of the ids of the contacts moved, JSON snapshot of the survivor before the merge.
    Column("moved_contact_ids", Text, nullable=True, default=None),
    Column("survivor_profile", Text, nullable=True, default=None),
    *travelling_columns(),
)

# One visit or one phone call at a site.
contacts = Table(
    "contacts",
    metadata,
    Column("site_id", Uuid, ForeignKey("sites.id"), nullable=False),
    # The wall-clock date and time of the contact, as the agent saw it (no time zone).
    Column("local_date", Date, nullable=False),
    Column("local_time", Time, nullable=False),
    # When it was typed in: differs from the contact's time for catch-up entry.
    Column("entered_at", DateTime, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("visitor_id", Uuid, ForeignKey("visitors.id"), nullable=True, default=None),
    Column("agent", String(120), nullable=True, default=None),
    # Fingerprint of the source row for contacts that came from a spreadsheet import, so that
    # importing the same file again adds nothing.
    Column("import_key", String(64), nullable=True, unique=True, default=None),
    # The person's age in whole years on the contact's date, written when their identity is
    # erased (NULL before): what the tables need of the birth date, for any age threshold or
    # funder's age bands, without the birth date.
    Column("age_years", Integer, nullable=True, default=None),
    # Likewise the person's neighbourhood, written when their identity is erased (the
    # neighbourhood table of every past period stays as it was, the person's row forgets it).
    Column("neighbourhood_id", Uuid, ForeignKey("neighbourhoods.id"), nullable=True, default=None),
    *travelling_columns(),
    CheckConstraint("channel IN ('physique', 'telephone')", name="channel"),
    # Reports: contacts of a period at a site.
    Index("ix_contacts_site_date", "site_id", "local_date"),
    # People tables: a person's contacts (first contact ever per site).
    Index("ix_contacts_visitor_site_date", "visitor_id", "site_id", "local_date"),
)

# The services a contact delivered. A service counts at most once per contact (primary key).
# These rows have no life of their own: they travel with their contact and its revision.
contact_services = Table(
    "contact_services",
    metadata,
    Column("contact_id", Uuid, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Uuid, ForeignKey("services.id"), primary_key=True),
    Index("ix_contact_services_service", "service_id", "contact_id"),
)

# This installation: its identity (the tie-break of versions), its Lamport clock (every change
# takes clock + 1, every sync import moves it past what it received), the network key (sync).
installation = Table(
    "installation",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("clock", Integer, nullable=False, server_default="0"),
    Column("network_key", Text, nullable=True),
    Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
    # The audit log's newest entry (migration 0005): entries removed from its end are found.
    Column("audit_seq", Integer, nullable=True),
    Column("audit_hash", String(64), nullable=True),
)

# What this installation last received from each other one (sync): when that installation wrote
# its package and when it was read here, its clock then, its manifest (JSON: its sites, counts).
# Local knowledge for the Réseau view and `sync status`; it does not travel.
sync_peers = Table(
    "sync_peers",
    metadata,
    Column("installation_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("exported_at", DateTime, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("clock", Integer, nullable=False),
    Column("manifest", Text, nullable=False),
)

# Per writing installation, the highest revision of its changes ever received here: a change
# of that writer with a greater revision was not seen before (docs/sync.md, "both sides").
sync_seen = Table(
    "sync_seen",
    metadata,
    Column("writer", Uuid, primary_key=True),
    Column("top", Integer, nullable=False),
)

# Who may open the window, with which role (local to an installation: not in sync packages).
# The name is also the agent name written on contacts; the password is an argon2id hash.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Uuid, primary_key=True, default=new_id),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled_at", DateTime, nullable=True),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime, nullable=True),
    Column("last_login_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
    CheckConstraint("role IN ('agent', 'coordinateur', 'admin')", name="role"),
)

# Who did what, append-only; each entry chained to the previous one by a SHA-256 hash.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", Text, nullable=True),
    Column("details", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_at", "at"),
)

# A period a coordinator closed once its tables were published (sarah/services/closing/): the
# figures as published, who and when, and a fingerprint of every contact counted then, so that
# what changed since is listed exactly. Local to an installation, like accounts and the audit
# log: the coordinator publishes from theirs (docs/guide-statistiques.md). Reopening keeps the
# row (reopened_at/by): the history of publications stays.
published_periods = Table(
    "published_periods",
    metadata,
    Column("id", Uuid, primary_key=True, default=new_id),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("site_ids", Text, nullable=False),  # JSON list, display order at closing
    Column("figures", Text, nullable=False),  # JSON: the report (interfaces.md) and its months
    Column("published_at", DateTime, nullable=False),
    Column("published_by", String(120), nullable=False),
    Column("reopened_at", DateTime, nullable=True, default=None),
    Column("reopened_by", String(120), nullable=True, default=None),
    Index("ix_published_periods_first_day", "first_day", "last_day"),
)

published_contacts = Table(
    "published_contacts",
    metadata,
    Column(
        "period_id",
        Uuid,
        ForeignKey("published_periods.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("contact_id", Uuid, primary_key=True),
    Column("site_id", Uuid, nullable=False),  # at closing: a selection's share of the snapshot
    # What of the contact the tables read (site, day, channel, person, their sex and age,
    # services), hashed: a different fingerprint is a contact changed since publication.
    Column("fingerprint", String(32), nullable=False),
)

# --- derived tables that make the semester tables fast (docs/statistiques.md) ---------------
# They hold nothing a user typed: every row is a sum over live contacts, kept up to date inside
# the same transaction as the change by triggers (migrations 0002, 0007, 0008), whatever path
# wrote the contact (desk, import, sync, merge, demo). They can be rebuilt from the contacts at
# any time (sarah.services.statistics.upkeep.rebuild_statistics). Days are integers YYYYMMDD,
# people are small integers (stat_persons.no): sorting and grouping integers is what makes a
# 1,000,000-contact semester fast.

# A visitor's number, and the profile fields the tables need (current profile).
stat_persons = Table(
    "stat_persons",
    metadata,
    Column("no", Integer, primary_key=True),
    Column("visitor_id", Uuid, nullable=False, unique=True),
    Column("sex", String(1), nullable=True, default=None),
    Column("birth_day", Integer, nullable=True, default=None),
)

# Live contacts of one person at one site on one day.
stat_visits = Table(
    "stat_visits",
    metadata,
    Column("site_id", Uuid, nullable=False),
    Column("day", Integer, nullable=False),
    Column("person_no", Integer, nullable=False),
    Column("n", Integer, nullable=False),
    PrimaryKeyConstraint("site_id", "day", "person_no"),
    # "Did this person come before the period (at this site / at any selected site)?"
    Index("ix_stat_visits_person_day", "person_no", "day", "site_id"),
    sqlite_with_rowid=False,
)

# The first day a person came to a site (the smallest day of their stat_visits rows there),
# kept from stat_visits by its own triggers (migration 0008). "Is this person new in the
# period?" is then one comparison per person instead of a search of their earlier visits.
stat_firsts = Table(
    "stat_firsts",
    metadata,
    Column("person_no", Integer, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("first_day", Integer, nullable=False),
    PrimaryKeyConstraint("person_no", "site_id"),
    sqlite_with_rowid=False,
)

# Each person's first day of each semester (YYYYH: 20191 = January-June 2019) at each site, with
# the age in whole years that day (NULL: unknown), the sex, and whether the first day ever there
# is in that semester: tables 3 and 4 of a semester, grouped already. Kept on PostgreSQL by the
# triggers of migration 0009 (SQLite: empty, its derived path is fast enough without it).
stat_semester_people = Table(
    "stat_semester_people",
    metadata,
    Column("semester", Integer, nullable=False),
    Column("site_id", Uuid, nullable=False),
    Column("person_no", Integer, nullable=False),
    Column("first_day", Integer, nullable=False),
    Column("age_years", Integer, nullable=True),
    Column("sex", String(1), nullable=True),
    Column("is_new", Boolean, nullable=False),
    PrimaryKeyConstraint("semester", "site_id", "person_no"),
    Index("ix_stat_semester_people_person", "person_no", "semester", "site_id"),
    sqlite_with_rowid=False,
)

# The same for every site together (the network's total row): each person's first day of each
# semester at any site, the age that day, the sex, and whether the first day ever anywhere is in
# that semester (migration 0009, PostgreSQL).
stat_semester_network_people = Table(
    "stat_semester_network_people",
    metadata,
    Column("semester", Integer, nullable=False),
    Column("person_no", Integer, nullable=False),
    Column("first_day", Integer, nullable=False),
    Column("age_years", Integer, nullable=True),
    Column("sex", String(1), nullable=True),
    Column("is_new", Boolean, nullable=False),
    PrimaryKeyConstraint("semester", "person_no"),
    sqlite_with_rowid=False,
)

# Live contacts of one site on one day: by channel, anonymous, without any service.
stat_days = Table(
    "stat_days",
    metadata,
    Column("site_id", Uuid, nullable=False),
    Column("day", Integer, nullable=False),
    Column("physique", Integer, nullable=False),
    Column("telephone", Integer, nullable=False),
    Column("anonymous", Integer, nullable=False),
    Column("no_service", Integer, nullable=False),
    PrimaryKeyConstraint("site_id", "day"),
    sqlite_with_rowid=False,
)

# Live contacts of one site on one day that delivered one service.
stat_day_services = Table(
    "stat_day_services",
    metadata,
    Column("site_id", Uuid, nullable=False),
    Column("day", Integer, nullable=False),
    Column("service_id", Uuid, nullable=False),
    Column("n", Integer, nullable=False),
    PrimaryKeyConstraint("site_id", "day", "service_id"),
    sqlite_with_rowid=False,
)

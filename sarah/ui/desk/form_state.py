"""The contact form's decisions, without a window: who is chosen, which channel, whether a save
is allowed and, if not, why, and what a save records.

The rules the desk keeps (the widgets in form.py only ask):
- an empty form never saves, and a name typed but nobody chosen never becomes an anonymous
  contact;
- an anonymous contact is made by F9 only (or by editing a contact that was anonymous already);
- a second save of the form as it was just saved is refused until the agent changes something;
- Échap gives up the edit in progress, or empties the form (person, channel).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal
from uuid import UUID, uuid4

from sarah.errors import UserError
from sarah.services.contacts import ContactDraft
from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import MIN_SEARCH_LETTERS, VisitorHit
from sarah.services.desk.values import looks_like_date
from sarah.services.text import fold
from sarah.vocabulary import CHANNEL_NAMES

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
CHANNEL_KEY = "F2"
ANONYMOUS_KEY = "F9"
NEW_VISITOR_KEY = "Ctrl+N"
CLEAR_KEY = "Escape"
READ_ONLY_REASON = (
    "Base en lecture seule (fichier endommagé) : rien ne peut être enregistré. "
    "Restaurez une sauvegarde depuis l'écran Sauvegardes."
)
MANY_HITS = 40  # the search returns at most this many people
NEW_VISITOR_FIRST_SEARCH = (
    "Nouvelle personne : tapez d'abord son nom dans la recherche ; la fiche se crée "
    "quand personne n'est trouvé (pour éviter les doublons)."
)

When = Callable[[], tuple[date, time]]  # the contact's date and time, chosen on the screen
EnterStep = Literal["pick", "new visitor", "services"]


def _letters(text: str) -> int:
    return len(fold(text).replace(" ", ""))


def can_create_visitor(typed: str, hits: int) -> bool:
    """New person only after a search found nobody (2 letters, or a full birth date)."""
    text = typed.strip()
    if not text or hits > 0:
        return False
    if looks_like_date(text):
        return len(text) >= 8
    return _letters(text) >= MIN_SEARCH_LETTERS


def search_hint(typed: str, hits: int, near: int = 0) -> str:
    """The line under the search field for what is typed and how many people were found
    (``hits`` by the name as typed, ``near`` by a near name)."""
    text = typed.strip()
    if not text:
        return ""
    if not hits and near:
        # Nothing is highlighted then: Entrée alone does what it does when nobody is found.
        names = "nom proche" if near == 1 else "noms proches"
        return (
            f"Aucun nom exact ; {near} {names} (≈) : vérifiez, ↓ puis Entrée pour choisir ; "
            "Entrée seule ou Ctrl+N : nouvelle personne."
        )
    if hits:
        more = " (ou plus : tapez d'autres lettres)" if hits >= MANY_HITS else ""
        s = "s" if hits > 1 else ""
        return (
            f"{hits} personne{s} trouvée{s}{more} — "
            "Entrée choisit la première, ↓ pour parcourir la liste."
        )
    if looks_like_date(text):
        if len(text) < 10:
            return "Date de naissance : tapez JJ/MM/AAAA."
        return f"Personne née le {text}. Ctrl+N ou Entrée : nouvelle personne."
    if _letters(text) < MIN_SEARCH_LETTERS:
        return "Encore une lettre…"
    return f"Aucune personne trouvée pour « {text} ». Entrée ou Ctrl+N : nouvelle personne."


def enter_from_search(typed: str, hits: int, *, chosen: bool) -> EnterStep | None:
    """What Entrée in the search field does: pick the highlighted person, create a new one
    (the search found nobody), or go on to the services when there is nothing to search
    (a person already chosen, or an anonymous call)."""
    if hits > 0:
        return "pick"
    if can_create_visitor(typed, hits):
        return "new visitor"
    if chosen or not typed.strip():
        return "services"
    return None


def contact_moment(when: When | None) -> tuple[date, time]:
    """The date and time a save records: the chosen ones on the catch-up screen, else now."""
    if when is not None:
        return when()
    now = datetime.now().replace(microsecond=0)
    return now.date(), now.time()


def day_of_ages(when: When | None) -> date | None:
    """The day ages are shown for: the contact's day on the catch-up screen, else today (None)."""
    if when is None:
        return None
    try:
        return when()[0]
    except UserError:  # a day in the future: refused when saving, ages as of today
        return None


def edit_banner_text(entry: JournalEntry) -> str:
    return (
        f"<b>Modification</b> du contact du {entry.local_date:%d/%m/%Y} à "
        f"{entry.local_time:%H:%M} ({entry.who}). Ctrl+Entrée enregistre les changements, "
        "Échap annule la modification."
    )


@dataclass(frozen=True)
class SaveOutcome:
    contact_id: UUID
    summary: str
    edited: bool

    @property
    def status_text(self) -> str:
        return f"✔ {'Modifié' if self.edited else 'Enregistré'} : {self.summary}"


@dataclass
class FormState:
    """What the form holds besides the typed text and the checked services (kept by their
    widgets and passed in): the chosen person, the contact being edited, the channel, and the
    summary of the save nothing has changed since."""

    visitor: VisitorHit | None = None
    editing: JournalEntry | None = None
    channel: str = "physique"
    last_saved: str | None = None
    # The id the entry will be recorded under, made anew once an entry is saved or given up:
    # trying a save again after a lost answer records it once (services.contacts.log_contact).
    entry_id: UUID = field(default_factory=uuid4)

    def touched(self) -> None:
        """The agent changed something: the form is no longer the one just saved."""
        self.last_saved = None

    def typed_over(self, typed: str) -> bool:
        """Typing a new name replaces the chosen person; True if one was chosen."""
        if self.visitor is None or not typed.strip():
            return False
        self.visitor = None
        return True

    def edit_target(self, *, anonymous: bool) -> JournalEntry | None:
        """The contact a save changes (None: a new contact); F9 never edits."""
        return None if anonymous else self.editing

    def toggle_channel(self) -> None:
        self.channel = "telephone" if self.channel == "physique" else "physique"
        self.touched()

    def clear(self, *, keep_edit: bool = False) -> None:
        """Empty the form: nobody chosen, channel back to Physique."""
        if not keep_edit:
            self.editing = None
        self.visitor = None
        self.channel = "physique"

    def escape(self) -> bool:
        """Échap: give up the edit in progress (True), or empty the form (False)."""
        self.touched()
        self.entry_id = uuid4()
        was_editing = self.editing is not None
        self.clear()
        return was_editing

    def load(self, entry: JournalEntry) -> None:
        """Re-open a contact of the journal (the person is chosen by the caller)."""
        self.clear()
        self.touched()
        self.editing = entry
        self.channel = entry.channel

    def saved(self, summary: str) -> None:
        """COMMIT returned: the form empties and refuses the same save until something changes."""
        self.clear()
        self.last_saved = summary
        self.entry_id = uuid4()

    def why_not(
        self, *, anonymous: bool, typed: str, checked: Sequence[UUID], read_only: bool = False
    ) -> str | None:
        """Why the form may not be saved now (None: it may); ``read_only``: the database is."""
        if read_only:
            return READ_ONLY_REASON
        if self.last_saved is not None:
            return (
                f"Déjà enregistré : {self.last_saved}. Rien n'a changé depuis, rien de plus "
                "n'est enregistré. Pour le contact suivant, cherchez la personne."
            )
        typed = typed.strip()
        if anonymous:
            return self._why_not_anonymous(typed)
        if self.visitor is not None:
            return None
        if typed:
            # A name was typed but nobody chosen: never save it as an anonymous contact.
            return (
                "Choisissez d'abord la personne dans la liste (↓ puis Entrée), ou Ctrl+N pour "
                "créer sa fiche si elle n'y est pas."
            )
        if self.editing is not None and self.editing.visitor_id is None:
            return None  # an anonymous contact of the journal stays anonymous
        if self.editing is not None:
            return (
                "Aucune personne choisie : cherchez la personne de ce contact (2-3 lettres puis "
                "Entrée), ou Échap pour abandonner la modification."
            )
        if not checked:
            return (
                "Rien à enregistrer : aucune personne choisie, aucun service coché. Tapez 2-3 "
                "lettres du nom puis Entrée pour choisir la personne."
            )
        return (
            "Aucune personne choisie : tapez 2-3 lettres de son nom puis Entrée pour la choisir. "
            f"Pour un appel sans nom avec ces services : {ANONYMOUS_KEY}."
        )

    def _why_not_anonymous(self, typed: str) -> str | None:
        if self.editing is not None:
            return "Terminez d'abord la modification en cours (Échap pour l'annuler)."
        if self.visitor is not None:
            return (
                f"{self.visitor.display_name} est choisi(e) : Ctrl+Entrée enregistre son "
                f"contact. {ANONYMOUS_KEY} est pour un appel sans nom : Échap vide d'abord "
                "le formulaire."
            )
        if typed:
            return (
                f"Un nom est tapé (« {typed} ») : choisissez la personne (Entrée) puis "
                f"Ctrl+Entrée. Pour un appel sans nom, effacez d'abord la recherche."
            )
        return None

    def draft(
        self,
        *,
        anonymous: bool,
        site_id: UUID,
        agent: str,
        now: tuple[date, time],
        checked: Sequence[UUID],
    ) -> ContactDraft:
        """What a save records; an edit keeps the contact's own date and time."""
        if self.editing is not None and not anonymous:
            day, at = self.editing.local_date, self.editing.local_time
        else:
            day, at = now
        return ContactDraft(
            site_id=site_id,
            channel="telephone" if anonymous else self.channel,
            local_date=day,
            local_time=at,
            visitor_id=None if anonymous or self.visitor is None else self.visitor.id,
            service_ids=tuple(checked),
            agent=agent,
            contact_id=self.entry_id,
        )

    def summary(self, draft: ContactDraft, *, dated: bool) -> str:
        """``Dupont Marie, Physique, 2 services (10:30)``; ``dated`` adds the day."""
        if draft.visitor_id and self.visitor:
            who = self.visitor.display_name
        else:
            who = "appel anonyme" if draft.channel == "telephone" else "visite anonyme"
        n = len(draft.service_ids)
        services = f"{n} service{'s' if n > 1 else ''}" if n else "aucun service"
        when = f"{draft.local_time:%H:%M}"
        if dated or self.editing is not None:
            when = f"{draft.local_date:%d/%m/%Y} {when}"
        return f"{who}, {CHANNEL_NAMES[draft.channel]}, {services} ({when})"

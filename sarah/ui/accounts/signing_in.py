"""What a successful login changes: the agent name on contacts, the role, the audit's actor."""

from __future__ import annotations

from sarah.services.accounts.store import Account
from sarah.services.audit.actor import set_actor
from sarah.ui.context import AppContext

# The account signed in on this window (one window per process, like the audit's actor).
_signed_in: list[Account] = []


def sign_in(ctx: AppContext, account: Account) -> None:
    """From now on the window acts as ``account``: its name goes on each contact and in the
    audit log; its role is kept for the screens that will check it."""
    ctx.agent = account.name
    ctx.role = account.role
    _signed_in[:] = [account]
    set_actor(account.name)  # audit entries name the account from now on


def signed_in_account() -> Account | None:
    """The account signed in, None while the installation has no accounts."""
    return _signed_in[0] if _signed_in else None


def signed_in_role() -> str | None:
    account = signed_in_account()
    return account.role if account else None

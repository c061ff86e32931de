"""Object permissions (django-guardian) are derived from memberships and agency membership, never granted by
hand. Each app registers a function that recomputes one person's grants; the people services call them all
whenever a membership or agency membership changes, so a person who loses a role loses its grants at once."""

from collections.abc import Callable

_syncers: list[Callable] = []


def register_permission_sync(func: Callable) -> Callable:
    """Register `func(user)` that recomputes the user's object permissions for one app."""
    if func not in _syncers:
        _syncers.append(func)
    return func


def sync_user_permissions(user) -> None:
    for func in _syncers:
        func(user)

"""The accounts tests' small catalogue (songs, an active build, a stale one), shared here."""

from tests.accounts.conftest import catalogue  # noqa: F401

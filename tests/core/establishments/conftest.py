from tests.core.accounts.conftest import outbox  # noqa: F401

from tests.core.accounts.conftest import new_session, outbox, smtp_server  # noqa: F401

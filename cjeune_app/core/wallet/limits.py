"""Limits of every money request (the refusals' sentences are formatted from them)."""

from __future__ import annotations

MAX_AMOUNT_CENTS = 1_000_000  # 10 000 €: far above any season, far below integer overflow
EXAMPLE_AMOUNT = "12,50"  # how a partner types an amount in euros
MAX_KEY_LENGTH = 128  # an idempotency key: 1 to 128 characters

"""Password policy and hashing (argon2id). The UI shows the same rules it is checked against."""

from __future__ import annotations

import os
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import nacl.pwhash.argon2id as sodium_argon2id
from argon2 import PasswordHasher
from nacl.exceptions import CryptoError

MIN_LENGTH = 8
# argon2id at one cost for every password, temporary or chosen: OWASP's setting of 7 MiB, 5 passes,
# 1 lane. OWASP's Password Storage Cheat Sheet gives it as the same defence as 19 MiB and 2 passes, or 46
# MiB and 1 pass (the cost moves from memory to passes), and costs half as much here (its smaller area
# likely fits the processor's caches).
# With libsodium on the build machine, one verification: 9.7–10.1 ms of a core at 7 MiB against 18.6–18.9
# ms at 19 MiB and 32.4–36.3 ms at 46 MiB (15 each, three rounds). At the rentrée's evening peak a
# family's first sign-in makes three (the letter's password, then the new one verified and hashed).
# One cost also makes a sign-in one verification whatever the account (see
# sign_in._verify_in_constant_time). Hashes made with an earlier setting are rehashed at their owner's
# next sign-in (`needs_rehash`).
TIME_COST = 5
MEMORY_KIB = 7 * 1024
# The hashing and the verifying are libsodium's (PyNaCl): the same argon2id and the same encoded hashes
# as argon2-cffi's reference implementation, with its vector instructions chosen at run time: half of
# argon2-cffi's time on the build machine; two threads at once still take about one hash's time each (it
# releases the GIL). argon2-cffi only reads a hash's parameters, for `needs_rehash`.
_SETTING = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=1)


@dataclass(frozen=True)
class PasswordRule:
    code: str
    label: str  # shown as a checklist while typing
    failure: str  # said when the rule fails

    def holds(self, password: str) -> bool:
        return _CHECKS[self.code](password)


_CHECKS = {
    "length": lambda p: len(p) >= MIN_LENGTH,
    "upper": lambda p: any(c.isupper() for c in p),
    "lower": lambda p: any(c.islower() for c in p),
    "digit": lambda p: any(c.isdigit() for c in p),
}

PASSWORD_RULES: tuple[PasswordRule, ...] = (
    PasswordRule("length", f"Au moins {MIN_LENGTH} caractères",
                 f"Le mot de passe doit comporter au moins {MIN_LENGTH} caractères."),
    PasswordRule("upper", "Au moins 1 majuscule",
                 "Le mot de passe doit comporter au moins 1 lettre majuscule."),
    PasswordRule("lower", "Au moins 1 minuscule",
                 "Le mot de passe doit comporter au moins 1 lettre minuscule."),
    PasswordRule("digit", "Au moins 1 chiffre",
                 "Le mot de passe doit comporter au moins 1 chiffre."),
)


def rule_results(password: str) -> list[tuple[PasswordRule, bool]]:
    """Each rule with whether the password meets it: the live checklist."""
    return [(rule, rule.holds(password)) for rule in PASSWORD_RULES]


def policy_failures(password: str) -> list[str]:
    """French sentences, one per rule the password breaks (empty when it is acceptable)."""
    return [rule.failure for rule, ok in rule_results(password) if not ok]


@dataclass(frozen=True)
class HashedAhead:
    """argon2 work done before a writing transaction (a sign-in's verification, a password change's):
    on SQLite that transaction holds the database's write lock, and every other write (a step saved, a
    card associated) would queue behind the hashing. `checked_hash` is the hash the password was
    verified against; the writing phase uses these results only if the account still has that hash."""

    checked_hash: str | None
    current_ok: bool
    new_hash: str | None  # the new password's (a change), or the rehash at today's cost (a sign-in)


def hash_password(password: str) -> str:
    encoded = sodium_argon2id.str(password.encode(), opslimit=TIME_COST, memlimit=MEMORY_KIB * 1024)
    return encoded.decode("ascii")


# The second of two argon2 computations one request needs at once (a password change verifies the
# current password and hashes the new one): on another core, so that the person waits for one.
_BESIDE = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2_beside")


def hash_beside(password: str) -> Future[str]:
    """`hash_password` started on another thread; its result is the future's."""
    return _BESIDE.submit(hash_password, password)


def hash_passwords(passwords: list[str]) -> list[str]:
    """Many at once on every core (argon2 releases the GIL): a school's whole list of temporary ones."""
    if len(passwords) < 2:
        return [hash_password(p) for p in passwords]
    with ThreadPoolExecutor(max_workers=min(len(passwords), os.cpu_count() or 1)) as pool:
        return list(pool.map(hash_password, passwords))


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return sodium_argon2id.verify(password_hash.encode(), password.encode())
    except CryptoError:  # a wrong password, or a hash that is no argon2id hash
        return False


def needs_rehash(password_hash: str) -> bool:
    return _SETTING.check_needs_rehash(password_hash)


# No 0/O, 1/l/I: the temporary password is read from a printed letter.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"


def generate_temporary_password(rng: secrets.SystemRandom | None = None) -> str:
    """10 characters meeting the policy, easy to copy from paper."""
    rng = rng or secrets.SystemRandom()
    chars = [rng.choice(_UPPER), rng.choice(_LOWER), rng.choice(_DIGITS)]
    chars += [rng.choice(_UPPER + _LOWER + _DIGITS) for _ in range(7)]
    rng.shuffle(chars)
    return "".join(chars)

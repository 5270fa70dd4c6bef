"""Password hashing with argon2id, at the strength the configuration asks for."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


#: The password behind the dummy hash (never anybody's: the dummy is only verified).
_DUMMY_PASSWORD = "impulse-timing-equaliser"  # noqa: S105 - not a credential
#: One dummy hash per set of argon2 parameters, made once per process.
_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    """A hash of the configured strength, made once (a new one for new parameters)."""
    config = current_app.config
    key = (
        config["ARGON2_TIME_COST"],
        config["ARGON2_MEMORY_COST"],
        config["ARGON2_PARALLELISM"],
    )
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password(_DUMMY_PASSWORD)
    return _dummy_hashes[key]


def burn_verification_time() -> None:
    """Do the work of one verification, as for a real account: a login with an unknown
    address then costs what a wrong password costs (nobody learns which addresses have
    accounts by timing). ``bench/login_timing.py`` measures the ratio."""
    verify_password(_dummy_hash(), "wrong")

"""Officers' web sign-in: Argon2 passwords, a lock after repeated failures, server-side sessions.

One officer is one row of ``officers`` (the same allow-list the chat
commands use): the console adds a login, a password hash and a role.
A session is a random token in an HttpOnly cookie; the table keeps only its
SHA-256, so a copy of the database signs nobody in. Each session carries its
own CSRF token. Signing out or changing a password ends the sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import List, Optional, Text, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from ocop.storage import audit
from ocop.storage.db import Database
from ocop.storage.models import ConsoleSession, Officer

ROLES = ("viewer", "officer", "admin")  # read; work queues and announce; accounts and imports
MAX_FAILURES = 5  # wrong passwords in a row before the account is locked
LOCK_FOR = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # longer is refused before hashing: no one makes the server hash 100 KB

_hasher = PasswordHasher()
# Verified against when the login does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    login: Text
    name: Text
    role: Text
    csrf_token: Text

    def may(self, role: Text) -> bool:
        """True when this user's role is ``role`` or above."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _digest(token: Text) -> Text:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: Text) -> Optional[Text]:
    """A Vietnamese reason why ``password`` is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Mật khẩu dài tối đa {MAX_PASSWORD_LENGTH} ký tự."
    return None


def set_login(db: Database, officer_id: int, login: Text, password: Text, role: Text, actor: Text) -> None:
    """Give an officer a console login (or a new password/role); ends their open sessions."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    problem = check_password_rules(password)
    if problem:
        raise ValueError(problem)
    with db.session() as session:
        officer = session.get(Officer, officer_id)
        officer.login, officer.role = login.strip().lower(), role
        officer.password_hash = _hasher.hash(password)
        officer.failed_logins, officer.locked_until = 0, None
        session.execute(delete(ConsoleSession).where(ConsoleSession.officer_id == officer_id))
        audit.record(session, actor, "console_login_set", "officer", officer_id, {"role": role})


def authenticate(db: Database, login: Text, password: Text) -> Tuple[Optional[int], Optional[Text]]:
    """(officer id, None) on success, else (None, a Vietnamese reason). Counts failures and locks."""
    now = _now()
    if len(password) > MAX_PASSWORD_LENGTH or len(login) > 64:
        return None, "Tên đăng nhập hoặc mật khẩu không đúng."
    with db.session() as session:
        officer = session.execute(
            select(Officer).where(Officer.login == login.strip().lower())).scalar_one_or_none()
        if officer is None or not officer.password_hash:
            try:
                _hasher.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            return None, "Tên đăng nhập hoặc mật khẩu không đúng."
        locked_until = _aware(officer.locked_until)
        if locked_until and locked_until > now:
            minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
            return None, f"Tài khoản tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút."
        try:
            _hasher.verify(officer.password_hash, password)
        except (VerificationError, InvalidHashError):
            officer.failed_logins = (officer.failed_logins or 0) + 1
            if officer.failed_logins >= MAX_FAILURES:
                officer.locked_until, officer.failed_logins = now + LOCK_FOR, 0
                audit.record(session, f"console:{officer.login}", "console_locked", "officer", officer.id)
                minutes = int(LOCK_FOR.total_seconds() // 60)
                return None, f"Tài khoản tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút."
            return None, "Tên đăng nhập hoặc mật khẩu không đúng."
        officer.failed_logins, officer.locked_until = 0, None
        if _hasher.check_needs_rehash(officer.password_hash):
            officer.password_hash = _hasher.hash(password)
        audit.record(session, f"console:{officer.login}", "console_sign_in", "officer", officer.id)
        return officer.id, None


def start_session(db: Database, officer_id: int) -> Text:
    """A new session for the officer; the token for the cookie (stored hashed)."""
    token = secrets.token_urlsafe(32)
    with db.session() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < _now()))
        session.add(ConsoleSession(token_hash=_digest(token), officer_id=officer_id,
                                   csrf_token=secrets.token_urlsafe(32), expires_at=_now() + SESSION_LIFETIME))
    return token


def session_user(db: Database, token: Optional[Text]) -> Optional[ConsoleUser]:
    """The signed-in officer of a cookie token, or None (unknown, expired, or login removed)."""
    if not token:
        return None
    with db.session() as session:
        row = session.execute(
            select(ConsoleSession, Officer).join(Officer, ConsoleSession.officer_id == Officer.id)
            .where(ConsoleSession.token_hash == _digest(token))).first()
        if row is None:
            return None
        console_session, officer = row
        if _aware(console_session.expires_at) <= _now() or not officer.login or officer.role not in ROLES:
            return None
        return ConsoleUser(officer.id, officer.login, officer.name, officer.role, console_session.csrf_token)


def end_session(db: Database, token: Optional[Text]) -> None:
    if token:
        with db.session() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _digest(token)))


@dataclass(frozen=True)
class Account:
    id: int
    name: Text
    channel: Text
    login: Optional[Text]
    role: Text
    locked_until: Optional[dt.datetime]


def accounts(db: Database) -> List[Account]:
    """Every officer with their console login, role and lock, by name."""
    with db.session() as session:
        return [Account(o.id, o.name, o.channel, o.login, o.role, _aware(o.locked_until))
                for o in session.execute(select(Officer).order_by(Officer.name)).scalars()]


def change_role(db: Database, officer_id: int, role: Text, actor: Text) -> bool:
    """Give an officer another role (their sessions end: the next page asks them to sign in)."""
    if role not in ROLES:
        return False
    with db.session() as session:
        officer = session.get(Officer, officer_id)
        if officer is None or not officer.login:
            return False
        officer.role = role
        session.execute(delete(ConsoleSession).where(ConsoleSession.officer_id == officer_id))
        audit.record(session, actor, "console_role_changed", "officer", officer_id, {"role": role})
        return True


def unlock(db: Database, officer_id: int, actor: Text) -> bool:
    with db.session() as session:
        officer = session.get(Officer, officer_id)
        if officer is None:
            return False
        officer.locked_until, officer.failed_logins = None, 0
        audit.record(session, actor, "console_unlocked", "officer", officer_id)
        return True

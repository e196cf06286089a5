"""Staff identity, as Camunda's engine keeps it: users, their prefecture and roles, login history.

`web/` signs people in through this package; the engine's task queries scope by the same
prefecture and roles. Passwords are argon2 hashes; nothing here knows Flask.
"""
from __future__ import annotations

from .models import IdentityBase, LoginEvent, StaffUser
from .passwords import PasswordPolicy, check_password_policy
from .roles import ROLES
from .service import Identity, IdentityError, SignIn, UserExists, WeakPassword

__all__ = ["ROLES", "Identity", "IdentityBase", "IdentityError", "LoginEvent", "PasswordPolicy", "SignIn",
           "StaffUser", "UserExists", "WeakPassword", "check_password_policy"]

"""The settings' reader of environment variables: django-environ's, with no silent guesses.

django-environ reads any value it does not know as false (DEBUG=maybe is DEBUG off, and
SECURE_COOKIES=ture sends cookies over plain HTTP); a setting with a few choices is only
checked where it is used, by a traceback. Here both stop the start with a message naming
the variable and what it may be.
"""

import environ
from django.core.exceptions import ImproperlyConfigured

YES = {"true", "yes", "on", "1"}
NO = {"false", "no", "off", "0"}


class StrictEnv(environ.Env):
    """environ.Env, refusing a yes/no value it cannot read and a choice outside its list."""

    def bool(self, var, default=environ.Env.NOTSET):
        """True or false: true/yes/on/1 or false/no/off/0 (any case); empty is the default."""
        value = self.ENVIRON.get(var, "").strip().lower()
        if not value:
            return super().bool(var, default=default)
        if value not in YES | NO:
            raise ImproperlyConfigured(
                f"{var} must be true or false (yes/no, on/off, 1/0), not {self.ENVIRON[var]!r}."
            )
        return value in YES

    def choice(self, var, choices: tuple[str, ...], *, default: str) -> str:
        """One of `choices`, as written; `default` when unset or empty."""
        value = self.ENVIRON.get(var, "").strip() or default
        if value not in choices:
            raise ImproperlyConfigured(f"{var} must be one of {', '.join(choices)}, not {value!r}.")
        return value

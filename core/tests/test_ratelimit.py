"""Rate limits mean what they say: one count shared by every process of the site."""

import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from core.ratelimit import RateLimited, parse_rate, rate_limit

SPEND = """
import sys
import django
django.setup()
from core.ratelimit import RateLimited, rate_limit
try:
    for _ in range(int(sys.argv[1])):
        rate_limit(scope="cross-process", key=sys.argv[2], rate="3/hour")
except RateLimited:
    sys.exit(3)
"""


def spend(times: int, key: str, tmp_path) -> int:
    """Spend `times` actions in a fresh process with the default settings (no Redis)."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "SECRET_KEY_FILE": str(tmp_path / "key"),
    }
    return subprocess.run(
        [sys.executable, "-c", SPEND, str(times), key],
        env=environment,
        cwd=settings.BASE_DIR,
        check=False,
    ).returncode


def test_two_processes_share_one_count(tmp_path):
    key = uuid.uuid4().hex
    assert spend(2, key, tmp_path) == 0
    assert spend(1, key, tmp_path) == 0
    assert spend(1, key, tmp_path) == 3  # the fourth action, in a third process


def test_rates_parse_and_reject_nonsense():
    assert [(w.limit, w.seconds) for w in parse_rate("10/minute, 100/hour")] == [
        (10, 60),
        (100, 3600),
    ]
    with pytest.raises(ValueError, match="Unknown unit"):
        parse_rate("10/fortnight")


def test_windows_are_counted_separately_per_key():
    rate_limit(scope="s", key="a", rate="1/minute")
    rate_limit(scope="s", key="b", rate="1/minute")
    with pytest.raises(RateLimited):
        rate_limit(scope="s", key="a", rate="1/minute")


def test_a_large_limit_is_exact_in_one_process_and_shared_in_batches(monkeypatch):
    writes = []
    original = cache.incr

    def counted_incr(key, delta=1, version=None):
        writes.append(delta)
        return original(key, delta, version)

    monkeypatch.setattr(cache, "incr", counted_incr)
    for _ in range(1000):
        rate_limit(scope="batched", key=1, rate="1000/minute")
    with pytest.raises(RateLimited):
        rate_limit(scope="batched", key=1, rate="1000/minute")
    assert len(writes) <= 101 and sum(writes) >= 1000  # batches of 10, not 1,001 writes

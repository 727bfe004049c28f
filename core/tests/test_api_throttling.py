"""API rate limits: fixed windows in the shared cache, as the site's other limits."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core import ratelimit


@pytest.fixture
def api_rates(settings):
    """api_rates(scope=rate, ...): change API throttle rates for one test."""

    def change(**rates):
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
            "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | rates
        }

    return change


def test_a_rate_may_have_several_windows(api, api_rates, monkeypatch):
    api_rates(token="3/second,4/minute")
    clock = SimpleNamespace(now=6000.0)  # the start of a minute
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: clock.now))
    statuses = [api.call("get", "/api/explore").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    clock.now += 2  # a new second, but still the same minute
    statuses = [api.call("get", "/api/explore").status_code for _ in range(2)]
    assert statuses == [200, 429]


def test_anonymous_calls_are_counted_per_address(api_client, api_rates):
    api_rates(anon="2/minute")
    calls = [
        api_client().call("post", "/api/users", {}, REMOTE_ADDR=address).status_code
        for address in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2", None, None, None)
    ]
    assert calls == [400, 400, 429, 400, 400, 400, 429]


def test_the_count_survives_a_busy_minute_at_a_constant_size(api, api_rates):
    api_rates(token="1000/minute")
    for _ in range(50):
        api.call("get", "/api/explore")
    counters = [key for key in cache._cache if ":rl:api:token:" in key]
    assert [cache.get(key.split(":", 2)[2]) for key in counters] == [50]


def test_a_rate_that_does_not_parse_stops_the_site_from_starting(api_rates, settings):
    api_rates(anon="60/min")
    settings.POST_RATE = "ten/minute"
    with pytest.raises(SystemCheckError) as failure:
        call_command("check")
    assert "DEFAULT_THROTTLE_RATES['anon'] = '60/min'" in str(failure.value)
    assert "POST_RATE = 'ten/minute'" in str(failure.value)

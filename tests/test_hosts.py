"""Sites stay their own (issue 19, finding 4): a request limited to a source's hosts follows no redirect elsewhere,
and no request reaches a loopback, private or link-local address the configuration does not name. Real servers
on 127.0.0.1; "www.regjeringen.no" is one of them as the HTTP proxy, so that its URLs are the site's own."""

from __future__ import annotations

import pytest
from helpers import LocalServer, write_config

from aggregator.cli import main
from aggregator.http import FetchError, HttpSettings, OffsiteRedirect, OffsiteURL, PoliteClient, PrivateAddress, configured_hosts
from aggregator.http import addresses as addresses_module

SITE = "http://www.regjeringen.no"
HOSTS = {"regjeringen.no", "www.regjeringen.no"}
SECRET = "<rss version='2.0'><channel><title>Intern</title><item><title>Hemmelig</title><link>http://x.example/h</link></item></channel></rss>"


@pytest.fixture
def site(http_server, monkeypatch):
    """www.regjeringen.no (and any other name) is `http_server`, reached as the HTTP proxy."""
    monkeypatch.setenv("HTTP_PROXY", http_server.url)
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    return http_server


@pytest.fixture
def internal():
    """An internal service on this machine, which nothing fetched from the sites may reach."""
    server = LocalServer()
    server.add("/secret", SECRET, content_type="application/rss+xml")
    yield server
    server.close()


def client(**kwargs) -> PoliteClient:
    return PoliteClient(HttpSettings(min_delay=0, retries=0, timeout=5), **kwargs)


def test_a_redirect_off_the_sources_hosts_is_not_followed(site):
    site.add("/no/dokumenter/a/id1/", "", status=302, Location="http://intranet.example/admin/")
    with client() as c, pytest.raises(OffsiteRedirect, match="redirected to http://intranet.example/admin/, which is "
                                                             "not on this source's hosts") as error:
        c.get(f"{SITE}/no/dokumenter/a/id1/", check_robots=False, hosts=HOSTS)
    assert error.value.target == "http://intranet.example/admin/"
    assert site.paths() == ["/no/dokumenter/a/id1/"]  # the other host was never asked (through the proxy or not)


def test_redirects_between_the_sources_own_hosts_are_followed(site):
    site.add("/a", "", status=301, Location="http://regjeringen.no/b")
    site.add("/b", "", status=302, Location="/c")
    site.add("/c", "<p>her</p>")
    # no private host allowed at all: names that do not resolve here are left to the connection, and the proxy's
    # own loopback address is no request's target
    with client(allowed_private_hosts=()) as c:
        answer = c.get(f"{SITE}/a", check_robots=False, hosts={"Regjeringen.NO", "www.regjeringen.no."})
    assert answer.text == "<p>her</p>" and answer.url == "http://regjeringen.no/c"


def test_a_url_off_the_sources_hosts_is_not_requested(site):
    with client() as c, pytest.raises(OffsiteURL, match="not on this source's hosts") as error:
        c.get("http://www.ks.no/aktuelt/", hosts=HOSTS)
    assert not isinstance(error.value, OffsiteRedirect) and site.requests == []  # not even its robots.txt


def test_without_hosts_any_host_may_be_reached(site):
    site.add("/a", "", status=302, Location="http://www.ks.no/b")
    site.add("/b", "ks")
    with client() as c:
        assert c.get(f"{SITE}/a", check_robots=False).text == "ks"


TARGETS = {
    "loopback": "http://127.0.0.1:{port}/secret",
    "localhost": "http://localhost:{port}/secret",
    "IPv6 loopback": "http://[::1]:{port}/secret",
    "IPv4-mapped IPv6": "http://[::ffff:127.0.0.1]:{port}/secret",
    "loopback as one number": "http://2130706433:{port}/secret",
    "loopback in hex": "http://0x7f.1:{port}/secret",
    "unspecified": "http://0.0.0.0:{port}/secret",
    "cloud metadata (link-local)": "http://169.254.169.254/latest/meta-data/",
    "private network": "http://10.0.0.1/admin",
}


@pytest.mark.parametrize("target", list(TARGETS))
def test_no_redirect_reaches_a_private_address_the_configuration_does_not_name(site, internal, target):
    location = TARGETS[target].format(port=internal.url.rsplit(":", 1)[1])
    site.add("/open-redirect", "", status=302, Location=location)
    # the configuration names only the site; the proxy on 127.0.0.1 is no request's target, so it is fine
    with client(allowed_private_hosts=configured_hosts([f"{SITE}/rss"])) as c, \
            pytest.raises(PrivateAddress, match="it was not requested") as error:
        c.get(f"{SITE}/open-redirect", check_robots=False)
    assert f"redirected to {location}" in error.value.reason
    assert internal.requests == [] and site.paths() == ["/open-redirect"]  # neither directly nor through the proxy


def test_a_private_address_is_reached_when_the_configuration_names_it(internal):
    with client(allowed_private_hosts=configured_hosts([internal.url + "/rss"])) as c:
        assert "Hemmelig" in c.get(internal.url + "/secret", check_robots=False).text
    with client(allowed_private_hosts=configured_hosts(["https://www.regjeringen.no/"])) as c, \
            pytest.raises(PrivateAddress, match="127.0.0.1 is a loopback, private or link-local address"):
        c.get(internal.url + "/secret", check_robots=False)
    assert len(internal.requests) == 1


def test_a_name_whose_address_changes_after_the_check_is_caught_before_reading(internal, monkeypatch):
    # The check resolves the name to a public address; the connection then lands on 127.0.0.1 (as after a DNS
    # answer that changed in between): nothing of the answer is read.
    monkeypatch.setattr(addresses_module, "_resolve", lambda host: {"93.184.216.34"})
    port = internal.url.rsplit(":", 1)[1]
    with client(allowed_private_hosts=()) as c, pytest.raises(PrivateAddress, match="led to 127.0.0.1") as error:
        c.get(f"http://2130706433:{port}/secret", check_robots=False)
    assert "Hemmelig" not in str(error.value)


def test_a_feed_that_redirects_to_an_internal_service_publishes_nothing_from_there(http_server, internal, tmp_path,
                                                                                   capsys):
    port = internal.url.rsplit(":", 1)[1]
    http_server.add("/rss", "", status=302, Location=f"http://localhost:{port}/secret")
    config = write_config(tmp_path, sources=[{"id": "site", "kind": "feed", "url": f"{http_server.url}/rss"}])
    assert main(["run", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "redirected to http://localhost:" in err and "localhost is this machine" in err and "Traceback" not in err
    assert internal.requests == []
    assert not [path for path in (tmp_path / "feeds").rglob("*") if path.is_file() and "Hemmelig" in path.read_text()]


def test_unreachable_private_hosts_are_refused_at_once_not_after_a_timeout():
    # 10.255.255.1 would hang until the timeout if it were tried; it is refused before connecting
    with client(allowed_private_hosts=()) as c, pytest.raises(PrivateAddress) as error:
        c.get("http://10.255.255.1/", check_robots=False)
    assert isinstance(error.value, FetchError) and "10.255.255.1 is a loopback, private or link-local" in error.value.reason

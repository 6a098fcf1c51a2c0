"""The settings finder end to end on loopback: DNS (SRV, MX, A), an HTTPS autoconfig server and
practice SMTP servers behind the candidates, reached only through the command's own options
(--dns-server, --ca-file, --providers, --autoconfig-port, --guess-ports)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from cancels import assert_every_cancel_is_kept
from dns_server import dns_server
from https_server import https_server
from smtp_servers import practice_server

from troubleshooter.cli import main
from troubleshooter.probes.autoconfig import autoconfig_urls, fetch, parse_outgoing
from troubleshooter.probes.find_settings import compare_entered
from troubleshooter.probes.finder import parse_guess_ports, split_address
from troubleshooter.probes.finder_card import card_lines
from troubleshooter.probes.finder_proof import SettingsCard

sys.dont_write_bytecode = True
HOSTS = ("smtp.prov.test", "smtp.autoconf.test", "good.srv.test", "smtp.guess.test", "smtp.mxhost.test",
         "smtp.oauth.test", "smtp.apppw.test", "login.srv.test", "cert.srv.test")


def _autoconfig_xml(host: str, port: int, socket_type: str = "STARTTLS") -> bytes:
    return f"""<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="autoconf.test">
  <incomingServer type="imap"><hostname>imap.autoconf.test</hostname><port>993</port></incomingServer>
  <outgoingServer type="smtp"><hostname>{host}</hostname><port>{port}</port>
    <socketType>{socket_type}</socketType><username>%EMAILADDRESS%</username>
    <authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>""".encode()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Servers for every case: good, login refused, certificate for other names, app password."""
    folder = tmp_path_factory.mktemp("finder")
    with (practice_server(username="info@srv.test", cert_names=HOSTS) as good,
          practice_server(username="info@srv.test", faults={"wrong-password"}, cert_names=HOSTS) as bad_login,
          practice_server(username="info@srv.test") as bad_cert,
          practice_server(username="info@apppw.test", faults={"app-password"}, cert_names=HOSTS) as app_pw):
        providers = folder / "providers.yaml"
        providers.write_text(f"""
testprov:
  name: Test Provider
  domains: [prov.test, mxhost.test]
  mx: [mx.testprov.test]
  source: tests/test_finder.py
  checked: 2026-11-20
  outgoing:
    - {{hostname: smtp.prov.test, port: {good.tls_port}, socketType: SSL, username: "%EMAILADDRESS%"}}
oauthprov:
  name: OAuth Mail
  domains: [oauth.test]
  article: provider-gmail
  outgoing:
    - {{hostname: smtp.oauth.test, port: {good.tls_port}, socketType: SSL,
       authentication: [OAuth2, password-cleartext]}}
offprov:
  name: Offline Mail
  domains: [offline.test]
  outgoing:
    - {{hostname: smtp.offline.test, port: 465, socketType: SSL, username: "%EMAILADDRESS%"}}
apppwprov:
  name: App Password Mail
  domains: [apppw.test]
  outgoing:
    - {{hostname: smtp.apppw.test, port: {app_pw.starttls_port}, socketType: STARTTLS}}
""", encoding="utf-8")
        routes = {
            ("autoconfig.autoconf.test", "/mail/config-v1.1.xml"):
                (200, {"Content-Type": "text/xml"}, _autoconfig_xml("smtp.%EMAILDOMAIN%", good.starttls_port)),
            ("autoconfig.redirect.test", "/mail/config-v1.1.xml"):
                (302, {"Location": "https://evil.example/config.xml"}, b""),
        }
        with https_server(routes, ("autoconfig.autoconf.test", "autoconfig.redirect.test"), folder) as (
                https_port, https_ca):
            a = {"A": ["127.0.0.1"]}
            zone = {
                **{host: a for host in HOSTS},
                "autoconfig.autoconf.test": a, "autoconfig.redirect.test": a,
                "_submission._tcp.srv.test": {"SRV": [(0, 1, bad_login.starttls_port, "login.srv.test"),
                                                      (1, 1, bad_cert.starttls_port, "cert.srv.test"),
                                                      (5, 1, good.starttls_port, "good.srv.test")]},
                "custom.test": {"MX": [(10, "mx1.mx.testprov.test")]},
                "guess.test": {"MX": [(10, "mx.elsewhere.test")]},
                "redirect.test": {"MX": []},
                "nothing.test": {"MX": []},
            }
            bundle = folder / "ca-bundle.pem"
            cas = (good.ca_file, bad_login.ca_file, bad_cert.ca_file, app_pw.ca_file, https_ca)
            bundle.write_text("".join(Path(p).read_text() for p in cas))
            with dns_server(zone) as dns:
                yield {"dns": dns.address, "ca": str(bundle), "providers": str(providers),
                       "https_port": https_port, "good": good, "app_pw": app_pw}


def run(world, capsys, address, *extra, lang="en", password=None, monkeypatch=None):
    argv = ["find-settings", address, "--dns-server", world["dns"], "--ca-file", world["ca"],
            "--providers", world["providers"], "--autoconfig-port", str(world["https_port"]),
            "--timeout", "6", "--lang", lang, *extra]
    if password is not None:
        monkeypatch.setenv("FINDER_PW", password)
        argv += ["--password-env", "FINDER_PW"]
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(world, capsys, address, *extra, **kwargs):
    code, out, err = run(world, capsys, address, "--json", *extra, **kwargs)
    return code, json.loads(out)


@pytest.mark.parametrize("lang, expected", [("en", "Settings confirmed on the server itself"),
                                            ("cs", "Nastavení ověřené přímo na serveru")])
def test_provider_data_hit(world, capsys, lang, expected):
    code, out, _ = run(world, capsys, "info@prov.test", lang=lang)
    assert code == 0
    assert expected in out
    assert "smtp.prov.test" in out and "SSL" in out and "Test Provider" in out
    assert ("(checked 2026-11-20)" if lang == "en" else "(ověřeno 2026-11-20)") in out  # the fact's date


def test_provider_data_hit_stops_the_search(world, capsys):
    code, data = run_json(world, capsys, "info@prov.test")
    assert code == 0 and data["outcome"] == "found"
    assert [s["step"] for s in data["steps"]] == ["provider"]
    card = data["card"]
    assert (card["host"], card["port"], card["encryption"]) == ("smtp.prov.test", world["good"].tls_port, "SSL")
    assert card["evidence"]["host"] == {"source": "provider", "detail": "Test Provider", "confirmed": True,
                                        "checked": "2026-11-20"}
    assert card["login_checked"] is False and card["evidence"]["username"]["confirmed"] is False


@pytest.mark.parametrize("lang, expected", [("en", "not verified from here"), ("cs", "odsud neověřené")])
def test_known_provider_settings_survive_a_failed_proof(world, capsys, lang, expected):
    """The provider data knows the server, but it cannot be reached from here (its name does
    not resolve, as with no network): the known values are shown as not verified, with why,
    instead of "not found"."""
    code, out, _ = run(world, capsys, "info@offline.test", lang=lang)
    assert code == 1
    assert expected in out and "Offline Mail" in out
    assert "smtp.offline.test" in out and "465" in out
    code, data = run_json(world, capsys, "info@offline.test")
    assert data["outcome"] == "found-unverified"
    card = data["card"]
    assert card["verified"] is False and card["unverified_why"] == "dns-not-found"
    assert card["evidence"]["host"]["confirmed"] is False


def test_custom_domain_recognised_by_mx(world, capsys):
    code, data = run_json(world, capsys, "office@custom.test")
    assert code == 0
    steps = [(s["step"], s["status"]) for s in data["steps"]]
    assert ("mx", "found") in steps and ("mx-provider", "found") in steps
    assert data["card"]["host"] == "smtp.prov.test"
    assert data["card"]["evidence"]["host"]["source"] == "mx"
    assert "mx1.mx.testprov.test" in data["card"]["evidence"]["host"]["detail"]


@pytest.mark.parametrize("lang, expected", [("en", "autoconfig: https://autoconfig.autoconf.test"),
                                            ("cs", "autokonfigurace: https://autoconfig.autoconf.test")])
def test_autoconfig(world, capsys, lang, expected, monkeypatch):
    good = world["good"]
    code, out, _ = run(world, capsys, "info@autoconf.test", lang=lang)
    assert code == 0, out
    assert expected in out
    assert f"{good.starttls_port}" in out and "TLS (STARTTLS)" in out


def test_autoconfig_redirect_elsewhere_is_reported_not_followed(world, capsys):
    code, data = run_json(world, capsys, "info@redirect.test", "--guess-ports", "1/ssl")
    steps = [s for s in data["steps"] if s["step"] == "autoconfig"]
    assert steps[0]["status"] == "redirect" and "evil.example" in steps[0]["detail"]
    assert code == 1


def test_srv_login_failure_and_wrong_certificate_are_rejected_with_reasons(world, capsys, monkeypatch):
    good = world["good"]
    code, out, _ = run(world, capsys, "info@srv.test", password=good.config.password, monkeypatch=monkeypatch)
    assert code == 0, out
    assert "good.srv.test   " in out and "DNS SRV" in out and "✓ the login passed" in out
    assert "login.srv.test" in out and "Wrong username or password [auth-failed]" in out
    assert "cert.srv.test" in out and "[certificate-name-mismatch]" in out
    assert good.config.password not in out


def test_srv_rejections_in_json(world, capsys, monkeypatch):
    code, data = run_json(world, capsys, "info@srv.test", password=world["good"].config.password,
                          monkeypatch=monkeypatch)
    outcomes = {c["candidate"]["host"]: c["outcome"] for c in data["checked"]}
    assert outcomes == {"login.srv.test": "auth-failed", "cert.srv.test": "certificate-name-mismatch",
                        "good.srv.test": "ok"}
    assert data["card"]["evidence"]["username"] == {"source": "assumed", "detail": "%EMAILADDRESS%",
                                                    "confirmed": True, "checked": ""}


def test_guessing(world, capsys):
    good = world["good"]
    ports = f"{good.tls_port}/ssl,{good.starttls_port}/starttls"
    code, data = run_json(world, capsys, "info@guess.test", "--guess-ports", ports)
    assert code == 0
    assert data["steps"][-1]["step"] == "guess"
    card = data["card"]
    assert (card["host"], card["port"], card["encryption"]) == ("smtp.guess.test", good.tls_port, "SSL")
    assert card["evidence"]["port"]["source"] == "guess"
    rejected = {c["candidate"]["host"]: c["outcome"] for c in data["checked"] if c["outcome"] != "ok"}
    assert rejected.get("mail.guess.test") == "dns-not-found"


@pytest.mark.parametrize("lang, expected", [("en", "Ask your e-mail provider for these values:"),
                                            ("cs", "Zeptejte se svého poskytovatele e-mailu na tyto hodnoty:")])
def test_nothing_found_gives_the_checklist(world, capsys, lang, expected):
    code, out, _ = run(world, capsys, "info@nothing.test", "--guess-ports", "1/ssl", lang=lang)
    assert code == 1
    assert expected in out and "ask-your-provider" in out and "info@nothing.test" in out


def test_oauth_provider_card_says_app_password(world, capsys):
    code, data = run_json(world, capsys, "someone@oauth.test")
    assert code == 0
    assert data["outcome"] == "found-needs-app-password"
    assert data["card"]["needs"] == "app-password"
    assert data["card"]["articles"] == ["app-passwords", "provider-gmail"]


def test_login_refused_for_app_password(world, capsys, monkeypatch):
    app_pw = world["app_pw"]
    code, data = run_json(world, capsys, "info@apppw.test", password=app_pw.config.password,
                          monkeypatch=monkeypatch)
    assert code == 1
    assert data["outcome"] == "found-needs-app-password"
    assert data["card"]["verified"] is False and "app-passwords" in data["articles"]


def test_usage_errors(capsys):
    assert main(["find-settings", "info@firma.test", "--password", "hunter2"]) == 2
    err = capsys.readouterr().err
    assert "--password-env" in err and "hunter2" not in err
    assert main(["find-settings", "not-an-address", "--lang", "en"]) == 2
    assert "does not look like an e-mail address" in capsys.readouterr().err
    assert main(["find-settings", "a@b.test", "--dns-server", "dns.example:53", "--lang", "en"]) == 2
    assert main(["find-settings", "a@b.test", "--guess-ports", "x/y", "--lang", "en"]) == 2


def test_parse_outgoing_refuses_entities_and_reads_only_smtp():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><clientConfig>&a;</clientConfig>'
    with pytest.raises(ValueError):
        parse_outgoing(bomb, "a@b.test")
    servers = parse_outgoing(_autoconfig_xml("smtp.%EMAILDOMAIN%", 465, "SSL"), "a@b.test")
    assert [(s.hostname, s.port, s.security) for s in servers] == [("smtp.b.test", 465, "tls")]


async def test_a_cancel_as_the_autoconfig_file_arrives_is_kept(world):
    """Ctrl+C or Esc pressed in the moment the autoconfig file arrives stops the search there."""
    async def loopback(host: str) -> list[str]:
        return ["127.0.0.1"]

    url = autoconfig_urls("autoconf.test", world["https_port"])[0]
    fetched = await fetch(url, "info@autoconf.test", resolve=loopback, ca_file=world["ca"], timeout=5)
    assert fetched.status == "found"
    await assert_every_cancel_is_kept(
        lambda: fetch(url, "info@autoconf.test", resolve=loopback, ca_file=world["ca"], timeout=5))


def test_small_parsers():
    assert parse_guess_ports("465,587/tls,2525/starttls") == ((465, "tls"), (587, "tls"), (2525, "starttls"))
    assert split_address(" Info@Firma.CZ ") == ("Info", "firma.cz")
    with pytest.raises(ValueError):
        split_address("info@localhost")


def test_compare_shows_what_was_typed_beside_what_was_found():
    card = SettingsCard("a@b.test", "smtp.b.test", 465, "tls", "SSL", "a@b.test", "a@b.test", {}, True, False)
    typed = {"host": "mail.b.test", "port": "465", "security": "starttls", "username": "a"}
    rows = compare_entered(card, typed)
    assert rows == [{"field": "host", "entered": "mail.b.test", "found": "smtp.b.test"},
                    {"field": "security", "entered": "TLS", "found": "SSL"},
                    {"field": "username", "entered": "a", "found": "a@b.test"}]
    assert card_lines({"address": "x@y.test", "card": None}, "cs")[0] == "Nastavení se najít nepodařilo."

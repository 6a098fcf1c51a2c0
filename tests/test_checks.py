"""Input checks: the seed's common mistakes are found, explained in cs+en, and never applied silently."""

from __future__ import annotations

import pytest

from troubleshooter.flow.checks import check_value
from troubleshooter.flow.engine import Session
from troubleshooter.flow.model import NodeRef


def codes(kind, value, **known):
    found = check_value(kind, value, {name: (name, v) for name, v in known.items()})
    return [f.code for f in found], found


def cleaned(findings):
    return next((f.cleaned for f in reversed(findings) if f.cleaned is not None), None)


@pytest.mark.parametrize("value", [" smtp.seznam.cz", "smtp.seznam.cz ", "  smtp.seznam.cz  "])
def test_surrounding_spaces(value):
    found, findings = codes("host", value)
    assert found == ["surrounding-whitespace"]
    assert cleaned(findings) == "smtp.seznam.cz"


@pytest.mark.parametrize(("value", "name"), [
    ("smtp.seznam.cz\u00a0", "NBSP"),
    ("\u200bsmtp.seznam.cz", "ZWSP"),
    ("smtp.sez\u200dnam.cz", "ZWJ"),
    ("\ufeffsmtp.seznam.cz", "BOM"),
])
def test_invisible_characters_are_named_and_removed(value, name):
    found, findings = codes("host", value)
    assert "invisible-characters" in found
    assert name in findings[0].message.en and name in findings[0].message.cs
    assert cleaned(findings) == "smtp.seznam.cz"


def test_tab_and_newline_around_a_value():
    found, findings = codes("host", "\tsmtp.seznam.cz\n")
    assert found == ["invisible-characters", "surrounding-whitespace"]
    assert "TAB" in findings[0].message.en
    assert cleaned(findings) == "smtp.seznam.cz"


def test_clean_value_has_no_findings():
    assert codes("host", "smtp.seznam.cz")[0] == []
    assert codes("port", "587")[0] == []
    assert codes("sender", "honza@miovychytavky.cz")[0] == []
    assert codes("username", "honza@miovychytavky.cz", sender="honza@miovychytavky.cz")[0] == []


def test_username_not_a_full_address_offers_the_sender_domain():
    found, findings = codes("username", "honza", sender="web@miovychytavky.cz")
    assert found == ["username-not-address"]
    assert cleaned(findings) == "honza@miovychytavky.cz"
    found, findings = codes("username", "honza")
    assert found == ["username-not-address"] and cleaned(findings) is None


def test_username_differs_from_sender():
    found, findings = codes("username", "info@example.cz", sender="web@example.cz")
    assert found == ["username-differs-from-sender"]
    assert "web@example.cz" in findings[0].message.cs
    assert codes("username", "WEB@example.cz", sender="web@example.cz")[0] == []


@pytest.mark.parametrize(("value", "expected", "clean"), [
    ("smtp://smtp.seznam.cz", ["host-has-scheme"], "smtp.seznam.cz"),
    ("smtps://smtp.seznam.cz:465", ["host-has-scheme", "host-has-port"], "smtp.seznam.cz"),
    ("smtp.seznam.cz:465", ["host-has-port"], "smtp.seznam.cz"),
    ("https://smtp.seznam.cz/x", ["host-has-scheme", "host-has-path"], "smtp.seznam.cz"),
])
def test_scheme_or_port_pasted_into_the_host(value, expected, clean):
    found, findings = codes("host", value)
    assert found == expected
    assert cleaned(findings) == clean


@pytest.mark.parametrize(("value", "suggestion"), [
    ("imap.seznam.cz", "smtp.seznam.cz"),
    ("pop3.example.cz", "smtp.example.cz"),
    ("pop.example.cz", "smtp.example.cz"),
])
def test_incoming_mail_host(value, suggestion):
    found, findings = codes("host", value)
    assert found == ["host-is-incoming"]
    assert cleaned(findings) == suggestion


def test_host_that_is_an_address_is_an_error():
    found, findings = codes("host", "honza@seznam.cz")
    assert found == ["host-is-address"] and findings[0].severity == "error"


@pytest.mark.parametrize("value", ["0", "65536", "70000"])
def test_port_out_of_range_blocks(value):
    found, findings = codes("port", value)
    assert found == ["port-out-of-range"] and findings[0].severity == "error"


def test_port_edges_and_words():
    assert codes("port", "1")[0] == ["port-unusual"]
    assert codes("port", "65535")[0] == ["port-unusual"]
    assert codes("port", "abc")[0] == ["port-not-number"]
    assert codes("port", "2525")[0] == []


@pytest.mark.parametrize(("port", "security"), [("465", "starttls"), ("587", "ssl"), ("25", "ssl")])
def test_port_and_encryption_that_do_not_match(port, security):
    assert codes("port", port, security=security)[0] == ["port-security-mismatch"]
    assert codes("security", security, port=port)[0] == ["port-security-mismatch"]


@pytest.mark.parametrize(("port", "security"), [("465", "ssl"), ("587", "starttls"), ("587", "none")])
def test_port_and_encryption_that_match(port, security):
    assert codes("port", port, security=security)[0] == []
    assert codes("security", security, port=port)[0] == []


@pytest.mark.parametrize("kind", ["sender", "recipient", "username"])
@pytest.mark.parametrize("value", ["web@example.cz\r\nBcc: x@example.cz", "web@example.cz\nBcc: x@example.cz"])
def test_line_break_inside_an_address_blocks(kind, value):
    found, findings = codes(kind, value)
    assert found == ["address-has-line-break"] and findings[0].severity == "error"


def test_every_finding_speaks_both_languages():
    for kind, value in [("host", " imap.x.cz:465"), ("port", "99999"), ("sender", "a b@x.cz"),
                        ("username", "honza"), ("password", " secret ")]:
        for finding in check_value(kind, value, {}):
            assert finding.message.cs.strip() and finding.message.en.strip()
            assert finding.message.cs != finding.message.en


def test_password_finding_never_quotes_the_password():
    findings = check_value("password", " Tajne-Heslo-42\u00a0", {})
    assert [f.code for f in findings] == ["invisible-characters", "surrounding-whitespace"]
    for finding in findings:
        assert "Tajne-Heslo-42" not in finding.message.cs + finding.message.en
        assert "Tajne-Heslo-42" not in repr(finding) and "Tajne" not in str(finding.to_json())


def test_a_finding_never_changes_the_value(flows):
    session = Session.begin(flows, "smtp", "enter-host")
    held = session.submit(" smtp.seznam.cz ")
    assert not held.accepted and held.suggestion == "smtp.seznam.cz"
    assert session.current == NodeRef("smtp", "enter-host") and "host" not in session.values
    kept = session.submit(" smtp.seznam.cz ", keep=True)
    assert kept.accepted
    assert session.values["host"] == " smtp.seznam.cz "  # as typed: the user chose to keep it


def test_the_cleaned_value_is_offered_and_taken_only_when_chosen(flows):
    session = Session.begin(flows, "smtp", "enter-host")
    held = session.submit("smtp://smtp.seznam.cz:465")
    assert held.suggestion == "smtp.seznam.cz"
    assert session.submit(held.suggestion, keep=True).accepted
    assert session.values["host"] == "smtp.seznam.cz"
    assert session.steps[-1].findings == ()


def test_a_pasted_message_with_login_data_must_be_cleaned():
    from troubleshooter.flow.checks import check_value

    pasted = "CLIENT -> SERVER: AUTH PLAIN AGpvaG5AZXguY3oAc2VjcmV0"
    (finding,) = check_value("message", pasted)
    assert finding.code == "message-has-credentials" and finding.severity == "error"
    assert finding.cleaned == "CLIENT -> SERVER: AUTH PLAIN ***"
    assert check_value("message", "  SMTP Error: Could not authenticate.  ") == []  # pasted as is


@pytest.mark.parametrize(("port", "protocol"),
                         [("993", "IMAP"), ("995", "POP3"), ("143", "IMAP"), ("110", "POP3")])
def test_a_port_for_receiving_mail_is_named(port, protocol):
    from troubleshooter.flow.checks import check_value

    (finding,) = check_value("port", port)
    assert finding.code == "port-is-incoming" and finding.severity == "warning"
    assert protocol in finding.message.en and "465" in finding.message.cs


def test_a_port_of_digits_int_cannot_read_is_a_finding_not_a_crash():
    """"²" passes str.isdigit() but not int(); a port kept as typed must not break later checks."""
    found, _ = codes("port", "²5")
    assert found == ["port-not-number"]
    found, _ = codes("security", "ssl", port="46²")
    assert found == []


@pytest.mark.parametrize("value", ["abcd efgh ijkl mnop", " abcd efgh ijkl mnop ", "abcd\u00a0efgh ijkl mnop",
                                   "ABCD EFGH IJKL MNOP"])
def test_google_app_password_pasted_with_spaces_is_offered_without(value):
    found, findings = codes("password", value)
    assert found[-1] == "app-password-spaces"
    assert findings[-1].severity == "warning"  # may be kept as typed
    assert cleaned(findings).lower() == "abcdefghijklmnop"
    assert value.strip() not in findings[-1].message.cs + findings[-1].message.en


@pytest.mark.parametrize("value", ["abcdefghijklmnop", "abcd efgh ijkl", "abcd efgh ijkl mnop qrst",
                                   "ab1d efgh ijkl mnop", "Tajne heslo moje dlouhe"])
def test_other_passwords_are_not_taken_for_app_passwords(value):
    assert "app-password-spaces" not in codes("password", value)[0]

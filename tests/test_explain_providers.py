"""Provider messages (issue #13) are recognised bare and inside PHPMailer's English and Czech
wrappers, with a cause that says what changed and who can act."""

from __future__ import annotations

import pytest

from troubleshooter.explain import explain
from troubleshooter.explain.rules import provider_of
from troubleshooter.knowledge.articles import load_articles
from troubleshooter.probes.catalog import describe
from troubleshooter.probes.providers import providers

# PHPMailer's ErrorInfo (src/PHPMailer.php setError): message + " SMTP server error: <error> Detail: <detail>
# SMTP code: <code> Additional SMTP info: <x.y.z>"; its Czech file translates only the first two parts.
_EN_AUTH = ("SMTP Error: Could not authenticate. SMTP server error: Password command failed Detail: {detail} "
            "SMTP code: {code} Additional SMTP info: {enhanced}")
_CS_AUTH = ("Chyba SMTP: Autentizace selhala. Chyba SMTP serveru: Password command failed Detail: {detail} "
            "SMTP code: {code} Additional SMTP info: {enhanced}")
_EN_FROM = ("The following From address failed: info@firma.cz : MAIL FROM command failed,"
            "{enhanced} {detail},{code},SMTP server error")
_CS_FROM = ("Následující adresa odesílatele je nesprávná: info@firma.cz : MAIL FROM command failed,"
            "{enhanced} {detail},{code},Chyba SMTP serveru:")
_EN_DATA = ("SMTP Error: data not accepted. SMTP server error: DATA END command failed Detail: {detail} "
            "SMTP code: {code} Additional SMTP info: {enhanced}")
_CS_DATA = ("Chyba SMTP: Data nebyla přijata. Chyba SMTP serveru: DATA END command failed Detail: {detail} "
            "SMTP code: {code} Additional SMTP info: {enhanced}")

# (outcome, code, enhanced, detail, wrappers)
MESSAGES = [
    ("auth-basic-off", 550, "5.7.30", "Basic authentication is not supported for Client Submission", "auth"),
    ("auth-disabled", 535, "5.7.139",
     "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant/Mailbox", "auth"),
    ("auth-m365-refused", 535, "5.7.3", "Authentication unsuccessful", "auth"),
    ("sender-rejected", 550, "5.7.60", "SMTP; Client does not have permissions to send as this sender", "from"),
    ("sender-rejected", 554, "5.2.0", "STOREDRV.Submission.Exception:SendAsDeniedException", "data"),
    ("auth-app-password", 534, "5.7.9", "Application-specific password required.", "auth"),
    ("auth-app-password", 535, "5.7.8", "Username and Password not accepted. BadCredentials", "auth"),
    ("dmarc-rejected", 550, "5.7.26",
     "Unauthenticated email from firma.cz is not accepted due to domain's DMARC policy", "data"),
    ("sender-domain-rejected", 550, "5.1.0", "<info@jina.cz> sender rejected", "from"),
    ("country-blocked", 550, "5.1.0", "<> sender rejected GeoIP", "from"),
    ("auth-failed", 550, "5.1.0", "piWs1j0010jifNx01iWsdh authentication failed", "auth"),
]
_WRAPPERS = {"auth": (_EN_AUTH, _CS_AUTH), "from": (_EN_FROM, _CS_FROM), "data": (_EN_DATA, _CS_DATA)}


def _forms(code: int, enhanced: str, detail: str, wrappers: str) -> list[tuple[str, str]]:
    en, cs = _WRAPPERS[wrappers]
    params = {"code": code, "enhanced": enhanced, "detail": detail}
    return [("bare", f"{code} {enhanced} {detail}"), ("en", en.format(**params)), ("cs", cs.format(**params))]


@pytest.mark.parametrize(
    ("outcome", "form", "text"),
    [pytest.param(outcome, form, text, id=f"{enhanced}-{form}")
     for outcome, code, enhanced, detail, wrappers in MESSAGES
     for form, text in _forms(code, enhanced, detail, wrappers)])
def test_provider_message_is_recognised(outcome, form, text):
    found = explain(text)
    assert found.outcome == outcome, (form, found.rule, text)
    assert found.confidence in ("high", "medium")


def test_a_wrapped_5_7_30_is_not_taken_for_a_wrong_password():
    text = _CS_AUTH.format(code=550, enhanced="5.7.30",
                           detail="Basic authentication is not supported for Client Submission")
    assert explain(text).outcome == "auth-basic-off"
    refusal = "550 5.7.30 Basic authentication is not supported for Client Submission"
    transcript = (f"2026-12-31 10:00:00 SERVER -> CLIENT: {refusal}\n"
                  f"2026-12-31 10:00:00 SMTP ERROR: Password command failed: {refusal}\n"
                  "SMTP Error: Could not authenticate.")
    assert explain(transcript).outcome == "auth-basic-off"


@pytest.mark.parametrize("outcome", ["auth-basic-off", "auth-disabled", "auth-m365-refused"])
def test_microsoft_365_causes_name_the_december_change_and_the_administrator(outcome):
    info = describe(outcome)
    assert "prosince 2026" in info.cause.cs and "December 2026" in info.cause.en
    assert "správce" in info.cause.cs + info.advice.cs
    assert "administrator" in info.cause.en + info.advice.en
    # true after 31 December 2026 too: never "will be switched off", never a date the text depends on
    assert "will be" not in info.cause.en and "bude" not in info.cause.cs


def test_send_as_and_gmail_causes_say_who_acts():
    sender = describe("sender-rejected")
    assert "správce" in sender.cause.cs + sender.advice.cs and "administrator" in sender.cause.en
    gmail = describe("auth-app-password")
    assert "heslo aplikace" in gmail.cause.cs and "app password" in gmail.cause.en
    assert "bez mezer" in gmail.advice.cs and "without spaces" in gmail.advice.en


_OWN_WORDS = [pytest.param(text, id=f"{enhanced}-{form}")
              for _, code, enhanced, detail, wrappers in MESSAGES
              for form, text in _forms(code, enhanced, detail, wrappers)
              if provider_of(explain(text).rule)]


@pytest.mark.parametrize("text", _OWN_WORDS)
def test_a_message_in_a_providers_own_words_is_explained_by_an_article_about_that_provider(text):
    """The article the explanation names is about the provider whose words were pasted: Forpsi's
    "sender rejected GeoIP" once named Active24's article, which never says that message."""
    found = explain(text)
    name = providers()[provider_of(found.rule)].name.split()[0]
    articles = load_articles()
    for lang in ("cs", "en"):
        article = articles.get(found.article, lang)
        assert article is not None, (lang, found.article)
        assert name in article.title + article.summary + article.body, (lang, found.article)


def test_forpsi_s_country_refusal_is_answered_by_the_article_that_quotes_it():
    found = explain("550 5.1.0 <> sender rejected GeoIP")
    assert provider_of(found.rule) == "forpsi"
    for lang in ("cs", "en"):
        assert "sender rejected GeoIP" in load_articles().get(found.article, lang).body

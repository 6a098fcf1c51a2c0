"""Bounces written by a real MTA: Debian's Postfix, in a private instance on loopback only.

Postfix accepts a message from the website's address (web@site.test) on 127.0.0.1, relays it to a
loopback aiosmtpd "recipient's server" (remote.test) that refuses it with a provider's documented
reply, and returns the bounce to web@site.test through a second loopback aiosmtpd that keeps it.
Every other destination is ``error:`` — this instance cannot reach anything off the machine.
The refusals' wording is the providers' own (Google's "Gmail SMTP errors and codes",
support.google.com/a/answer/3726730; Microsoft's Exchange Online NDR table; Postfix's own
``reject_rbl_client`` reply format).

Used by generate.py: ``bounces() -> index entries``; needs root (Postfix's master) and
``apt-get install postfix`` (no system configuration is used or changed: ``postfix -c DIR``).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import smtplib
import subprocess
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

HERE = Path(__file__).resolve().parent
SENDER = "web@site.test"

# local part at remote.test -> (stage, reply, outcome, facts)
REFUSALS: dict[str, tuple[str, str, str, dict]] = {
    "unknown": ("rcpt", "550 5.1.1 The email account that you tried to reach does not exist. Please try "
                "double-checking the recipient's email address for typos or unnecessary spaces.",
                "recipient-rejected", {"status": "5.1.1", "side": "recipient"}),
    "full": ("rcpt", "552 5.2.2 The email account that you tried to reach is over quota.",
             "mailbox-full", {"status": "5.2.2", "side": "recipient"}),
    "big": ("data", "552 5.3.4 Your message exceeded Google's message size limits. Please visit "
            "https://support.google.com/mail/?p=MaxSizeError to view our size guidelines.",
            "message-too-large", {"status": "5.3.4", "side": "sender"}),
    "listed": ("rcpt", "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org",
               "ip-blocklisted", {"status": "5.7.1", "side": "sender"}),
    "banned": ("rcpt", "550 5.7.606 Access denied, banned sending IP [127.0.0.1]. To request removal from "
               "this list please visit https://sender.office.com/ and follow the directions.",
               "ip-blocklisted", {"status": "5.7.606", "side": "sender"}),
    "dmarc": ("data", "550 5.7.26 Unauthenticated email from site.test is not accepted due to domain's DMARC "
              "policy. Please contact the administrator of site.test domain if this was a legitimate mail.",
              "dmarc-rejected", {"status": "5.7.26", "side": "sender"}),
    "spf": ("data", "550 5.7.26 This message fails to pass SPF checks for an SPF record with a hard fail "
            "policy (-all). To best protect our users from spam and phishing, the message has been blocked.",
            "spf-rejected", {"status": "5.7.26", "side": "sender"}),
}


class _Remote:
    """The recipient's server: refuses each local part as REFUSALS says."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        stage, reply, *_ = REFUSALS.get(address.split("@")[0], ("", "", ""))
        if stage == "rcpt":
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        stage, reply, *_ = REFUSALS.get(envelope.rcpt_tos[0].split("@")[0], ("", "", ""))
        return reply if stage == "data" else "250 2.0.0 Ok"


class _Keeper:
    """The sender's server: keeps the bounces."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope.original_content or b"")
        return "250 2.0.0 Ok: kept"


MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.site.test
mydomain = site.test
myorigin = site.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
transport_maps = inline:{{ remote.test=smtp:[127.0.0.1]:{remote}, site.test=smtp:[127.0.0.1]:{keeper} }}
default_transport = error:this test instance delivers nowhere else
relay_transport = error:this test instance delivers nowhere else
smtp_tls_security_level = none
smtputf8_enable = no
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
bounce_queue_lifetime = 0
maximal_queue_lifetime = 0
"""


def _master_cf(port: int) -> str:
    text = Path("/etc/postfix/master.cf").read_text()
    return text.replace("smtp      inet  n       -       y       -       -       smtpd",
                        f"127.0.0.1:{port} inet  n       -       n       -       -       smtpd", 1)


def bounces() -> list[dict]:
    from smtp_servers import free_port_pair

    keeper = _Keeper()
    remote = Controller(_Remote(), hostname="127.0.0.1", port=free_port_pair())
    kept = Controller(keeper, hostname="127.0.0.1", port=free_port_pair() + 1)
    remote.start()
    kept.start()
    root = Path(tempfile.mkdtemp(prefix="paste-postfix-"))
    conf = root / "conf"
    conf.mkdir()
    port = free_port_pair()
    (conf / "main.cf").write_text(MAIN_CF.format(root=root, remote=remote.port, keeper=kept.port))
    (conf / "master.cf").write_text(_master_cf(port))
    env = dict(os.environ, MAIL_CONFIG=str(conf))
    root.chmod(0o755)
    for folder in ("queue", "data"):
        (root / folder).mkdir()
    shutil.chown(root / "data", "postfix")
    subprocess.run(["postfix", "-c", str(conf), "post-install", "create-missing"], check=True, env=env)
    subprocess.run(["postfix", "-c", str(conf), "start"], check=True, env=env)
    entries: list[dict] = []
    try:
        _wait_listening(port)
        with smtplib.SMTP("127.0.0.1", port, local_hostname="www.site.test", timeout=30) as client:
            for local in REFUSALS:
                body = (f"Subject: Order {local}\r\nFrom: Web <{SENDER}>\r\n"
                        f"To: {local}@remote.test\r\n\r\nHello.\r\n")
                client.sendmail(SENDER, [f"{local}@remote.test"], body)
        deadline = time.monotonic() + 60
        while len(keeper.messages) < len(REFUSALS) and time.monotonic() < deadline:
            time.sleep(0.5)
        out = HERE / "bounces"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for raw in keeper.messages:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            local = _local_part(message)
            if local is None:
                continue
            stage, reply, outcome, facts = REFUSALS[local]
            whole = raw.decode("utf-8", "replace").replace("\r\n", "\n")
            human = next((part.get_content() for part in message.walk()
                          if part.get_content_type() == "text/plain"), "")
            for variant, text in (("whole", whole), ("human", human)):
                file = f"bounces/postfix-{local}-{variant}.txt"
                (HERE / file).write_text(text, encoding="utf-8")
                expected = dict(facts) | {"recipient": f"{local}@remote.test", "remote_server": "127.0.0.1"}
                entries.append({"file": file, "kind": "bounce", "outcome": outcome, "facts": expected,
                                "source": "Postfix 3.7 on loopback; reply text: " + stage})
                print(f"{file}: {outcome}")
    finally:
        subprocess.run(["postfix", "-c", str(conf), "stop"], check=False, env=env)
        remote.stop()
        kept.stop()
        time.sleep(1)
        shutil.rmtree(root, ignore_errors=True)
    return sorted(entries, key=lambda e: e["file"])


def _local_part(message) -> str | None:
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            text = str(part.get_payload()[1] if part.is_multipart() else part.get_payload())
            for line in text.splitlines():
                if line.lower().startswith("final-recipient:"):
                    return line.split(";")[-1].strip().split("@")[0]
    return None


def _wait_listening(port: int) -> None:
    import socket

    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("postfix did not start")


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    print(bounces())

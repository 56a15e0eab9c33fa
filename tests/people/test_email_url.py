"""EMAIL_URL, read into Django's EMAIL_* settings; without it, a development instance writes
its mail into var/mail/ (the Outbox page)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cordee.config.email_url import parse_email_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_with_starttls_on_the_submission_port():
    assert parse_email_url("smtp+tls://relay%40acme.fr:s3cr%2Ft@mail.acme.fr:587") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.acme.fr",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "relay@acme.fr",
        "EMAIL_HOST_PASSWORD": "s3cr/t",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 30.0,
    }


def test_smtps_is_tls_from_the_start_on_465_by_default():
    settings = parse_email_url("smtps://cordee:pw@smtp.example.com?timeout=5")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    assert settings["EMAIL_TIMEOUT"] == 5.0
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("cordee", "pw")


def test_plain_smtp_without_credentials():
    settings = parse_email_url("smtp://localhost")
    assert settings["EMAIL_PORT"] == 25
    assert settings["EMAIL_HOST_USER"] == settings["EMAIL_HOST_PASSWORD"] == ""
    assert not settings["EMAIL_USE_TLS"] and not settings["EMAIL_USE_SSL"]


def test_file_writes_one_message_per_file_in_the_folder():
    assert parse_email_url("file:///srv/cordee/mail") == {
        "EMAIL_BACKEND": "cordee.people.outbox.OutboxBackend",
        "EMAIL_FILE_PATH": "/srv/cordee/mail",
    }


def test_console_and_memory():
    assert parse_email_url("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert parse_email_url("locmem://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [("imap://mail.acme.fr", "unknown scheme 'imap'"), ("smtp+tls://", "needs a host")],
)
def test_a_url_that_cannot_work_is_refused_naming_why(url, says):
    with pytest.raises(ValueError, match=says):
        parse_email_url(url)


def _settings_with(tmp_path: Path, **environment: str) -> dict[str, object]:
    """The e-mail settings a fresh process reads from ``environment``."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(getattr(s, k, '')) for k in "
        "('EMAIL_BACKEND', 'EMAIL_FILE_PATH', 'EMAIL_HOST', 'DEFAULT_FROM_EMAIL', "
        "'CORDEE_BASE_URL')}))"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"EMAIL_URL", "DEBUG", "DEFAULT_FROM_EMAIL", "CORDEE_BASE_URL"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "cordee.config.settings",
        "CORDEE_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "x" * 50,
        **environment,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_development_instance_writes_mail_into_var_mail(tmp_path):
    read = _settings_with(tmp_path, DEBUG="1")
    assert read["EMAIL_BACKEND"] == "cordee.people.outbox.OutboxBackend"
    assert read["EMAIL_FILE_PATH"] == str(tmp_path / "var" / "mail")


def test_email_url_from_and_base_url_come_from_the_environment(tmp_path):
    read = _settings_with(
        tmp_path,
        DEBUG="1",
        EMAIL_URL="smtps://u:p@smtp.acme.fr",
        DEFAULT_FROM_EMAIL="Cordée Acme <cordee@acme.fr>",
        CORDEE_BASE_URL="https://cordee.acme.fr/",
    )
    assert read["EMAIL_BACKEND"] == SMTP
    assert read["EMAIL_HOST"] == "smtp.acme.fr"
    assert read["DEFAULT_FROM_EMAIL"] == "Cordée Acme <cordee@acme.fr>"
    assert read["CORDEE_BASE_URL"] == "https://cordee.acme.fr"

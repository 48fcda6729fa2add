"""The email and apprise sinks' configuration: what a TOML file may say, the errors that
name the key and the fix, and the secrets the monitor removes from what it prints."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import time
from pathlib import Path

import pytest

from pressmon.config import AppriseSinkConfig, EmailSinkConfig, WebhookSinkConfig, load_config
from pressmon.exceptions import ConfigError

FEEDS = '[[feeds]]\nurl = "https://example.org/feed.xml"\n'
EMAIL = (
    '[[sinks]]\ntype = "email"\nhost = "smtp.example.org"\n'
    'from = "pressmon <alerts@example.org>"\nto = ["a@example.org", "b@example.org"]\n'
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(FEEDS + text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    return caught.value


def test_email_defaults_and_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A minimal email sink uses STARTTLS on 587, sends every run, in UTC; the password comes
    from the environment, is hidden in repr and is not in the sink's state key; ca_file is
    read relative to the configuration file."""
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret-app-password")
    config = load_config(
        write(
            tmp_path,
            EMAIL + 'user = "alerts@example.org"\npassword = "${SMTP_PASSWORD}"\n'
            'ca_file = "relay-ca.pem"\nschedule = "daily"\nsend_at = 07:30:00\n',
        )
    )
    (sink,) = config.sinks
    assert isinstance(sink, EmailSinkConfig)
    assert (sink.security, sink.smtp_port(), sink.timezone) == ("starttls", 587, "UTC")
    assert sink.sender == "pressmon <alerts@example.org>"
    assert sink.to == ("a@example.org", "b@example.org")
    assert sink.send_at == time(7, 30) and sink.ca_file == tmp_path / "relay-ca.pem"
    assert sink.password is not None
    assert sink.password.get_secret_value() == "s3cret-app-password"
    assert "s3cret" not in repr(config) and "s3cret" not in sink.key()
    assert sink.key().startswith("email:")
    tls = EmailSinkConfig.model_validate(
        {
            "type": "email",
            "host": "h.example",
            "security": "tls",
            "from": "a@x.org",
            "to": "b@x.org",
        }
    )
    assert tls.smtp_port() == 465 and tls.to == ("b@x.org",)


@pytest.mark.parametrize(
    ("extra", "key", "message"),
    [
        ('password = "hunter22"\nuser = "u"\n', "sinks.0.password", r"\$\{SMTP_PASSWORD\}"),
        ('user = "u"\n', "sinks.0", "add password"),
        ('security = "none"\nuser = "u"\npassword = "${SMTP_PASSWORD}"\n', "sinks.0", "in clear"),
        ('send_at = "07:00"\n', "sinks.0", 'only applies to schedule = "daily"'),
        ('timezone = "Mars/Olympus"\n', "sinks.0.timezone", "unknown time zone"),
        ('subject = "{count} {nope}"\n', "sinks.0.subject", r"unknown placeholder \{nope\}"),
        ('subject = "{count"\n', "sinks.0.subject", "not a valid template"),
        ('security = "ssl"\n', "sinks.0.security", "starttls"),
        ('reply_to = "not an address"\n', "sinks.0.reply_to", "not one email address"),
        ('helo = "bad name!"\n', "sinks.0.helo", "not a host name"),
        ('reply_to = "Zoë <zoë@bücher.example>"\n', "sinks.0.reply_to", "in ASCII"),
    ],
)
def test_email_errors_name_the_key_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str, key: str, message: str
) -> None:
    """Each mistake is a ConfigError with the file, the dotted key and what to write; a
    password written in the file is refused, whatever its value."""
    monkeypatch.setenv("SMTP_PASSWORD", "from-the-environment")
    error = error_of(tmp_path, EMAIL + extra)
    assert error.key == key and error.path == str(tmp_path / "monitor.toml")
    assert re.search(message, error.message), error.message
    assert "hunter22" not in str(error) and "from-the-environment" not in str(error)


def test_email_address_and_host_errors(tmp_path: Path) -> None:
    """`from` (a Python keyword, so `sender` in code) is named as written in the file; a
    host with a scheme or a port is refused with the fix; `to` must name someone."""
    bad_from = EMAIL.replace('"pressmon <alerts@example.org>"', '"a@x.org, b@x.org"')
    assert error_of(tmp_path, bad_from).key == "sinks.0.from"
    scheme = EMAIL.replace('"smtp.example.org"', '"smtp://smtp.example.org"')
    assert "write it alone" in error_of(tmp_path, scheme).message
    port = EMAIL.replace('"smtp.example.org"', '"smtp.example.org:587"')
    assert "port = 587" in error_of(tmp_path, port).message
    nobody = EMAIL.replace('["a@example.org", "b@example.org"]', "[]")
    assert error_of(tmp_path, nobody).key == "sinks.0.to"


def test_a_missing_password_variable_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unset ${VAR} is an error naming the variable and how to set it in GitHub Actions."""
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    error = error_of(tmp_path, EMAIL + 'user = "u"\npassword = "${SMTP_PASSWORD}"\n')
    assert error.key == "sinks.0.password" and "SMTP_PASSWORD is not set" in error.message


def test_from_python_a_password_may_come_from_anywhere() -> None:
    """Built in Python (no configuration file), the password is taken as given: the rule
    about ${VAR} is for files, which get committed."""
    sink = EmailSinkConfig.model_validate(
        {
            "type": "email",
            "host": "smtp.example.org",
            "from": "a@example.org",
            "to": "b@example.org",
            "user": "a@example.org",
            "password": "read-from-a-vault",
        }
    )
    assert sink.secrets() == ["read-from-a-vault"]


def test_loopback_relay_without_tls_may_log_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """`security = "none"` with a password is accepted for a relay on this machine only."""
    monkeypatch.setenv("SMTP_PASSWORD", "pw-local-relay")
    for host in ("127.0.0.1", "localhost", "::1"):
        sink = EmailSinkConfig.model_validate(
            {
                "type": "email",
                "host": host,
                "security": "none",
                "from": "a@example.org",
                "to": "b@example.org",
                "user": "u",
                "password": "${SMTP_PASSWORD}",
            }
        )
        assert sink.smtp_port() == 25


def test_apprise_urls_are_secrets_expanded_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Apprise URLs take ${VAR}; the URL and the token inside it are secrets (hidden in repr,
    not in the key, listed for redaction); a URL apprise cannot use is refused at load, named
    by its position and its scheme, never quoted."""
    monkeypatch.setenv("TELEGRAM_BOT", "123456789:AAHsecretTokenPart_xyz")
    text = (
        '[[sinks]]\ntype = "apprise"\n'
        'urls = ["tgram://${TELEGRAM_BOT}/-100200300", "json://127.0.0.1:8080/hook"]\n'
    )
    config = load_config(write(tmp_path, text))
    (sink,) = config.sinks
    assert isinstance(sink, AppriseSinkConfig)
    assert sink.urls[0].get_secret_value() == "tgram://123456789:AAHsecretTokenPart_xyz/-100200300"
    assert "AAHsecret" not in repr(config) and "AAHsecret" not in sink.key()
    secrets = config.secrets()
    assert "AAHsecretTokenPart_xyz" in secrets and "127.0.0.1" not in secrets
    assert sink.urls[0].get_secret_value() in secrets
    bad = (
        '[[sinks]]\ntype = "apprise"\nurls = ["json://127.0.0.1/ok", "tgramm://${TELEGRAM_BOT}"]\n'
    )
    error = error_of(tmp_path, bad)
    assert error.key == "sinks.0.urls.1" and "tgramm://" in error.message
    assert "AAHsecret" not in str(error)
    no_scheme = '[[sinks]]\ntype = "apprise"\nurls = ["${TELEGRAM_BOT}"]\n'
    error = error_of(tmp_path, no_scheme)
    assert error.key == "sinks.0.urls.0" and "AAHsecret" not in str(error)


def test_apprise_title_template_is_checked(tmp_path: Path) -> None:
    """The apprise title takes the subject's placeholders and refuses others."""
    text = '[[sinks]]\ntype = "apprise"\nurls = ["json://127.0.0.1/x"]\ntitle = "{title}"\n'
    error = error_of(tmp_path, text)
    assert error.key == "sinks.0.title" and "unknown placeholder {title}" in error.message


def test_without_apprise_the_config_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When apprise is not installed, an apprise sink is a ConfigError on its type that says
    `pip install "pressmon[apprise]"`; building the sink says the same."""
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "apprise" else real_find_spec(name)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    text = '[[sinks]]\ntype = "apprise"\nurls = ["json://127.0.0.1/x"]\n'
    error = error_of(tmp_path, text)
    assert error.key == "sinks.0.type"
    assert 'pip install "pressmon[apprise]"' in error.message
    monkeypatch.setitem(sys.modules, "apprise", None)  # `import apprise` now fails
    from pressmon._apprise import require_apprise

    with pytest.raises(ConfigError, match=r'pip install "pressmon\[apprise\]"'):
        require_apprise()


def test_monitor_secrets_cover_every_secret_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """MonitorConfig.secrets() lists the webhook URL, its header values and their tokens, the
    email password and the apprise URLs; sinks without secrets add nothing."""
    monkeypatch.setenv("SMTP_PASSWORD", "pw-0123456789")
    from pressmon.config import MonitorConfig

    config = MonitorConfig.model_validate(
        {
            "feeds": [{"url": "https://example.org/feed.xml"}],
            "sinks": [
                {"type": "console"},
                {
                    "type": "webhook",
                    "url": "https://hooks.example/T/secret-path",
                    "headers": {"Authorization": "Bearer tok-abcdef123"},
                },
                {
                    "type": "email",
                    "host": "smtp.example.org",
                    "from": "a@example.org",
                    "to": "b@example.org",
                    "user": "a@example.org",
                    "password": "${SMTP_PASSWORD}",
                },
                {"type": "apprise", "urls": ["ntfy://ntfy-user:ntfy-pass-987@ntfy.sh/topic-xyz"]},
            ],
        }
    )
    secrets = config.secrets()
    for value in (
        "https://hooks.example/T/secret-path",
        "Bearer tok-abcdef123",
        "tok-abcdef123",
        "pw-0123456789",
        "ntfy://ntfy-user:ntfy-pass-987@ntfy.sh/topic-xyz",
        "ntfy-pass-987",
        "topic-xyz",
    ):
        assert value in secrets, value
    webhook = config.sinks[1]
    assert isinstance(webhook, WebhookSinkConfig)
    assert webhook.secrets() == secrets[:3]

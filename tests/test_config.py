"""The configuration file: defaults, the README's example, and refusals that name the key."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from claimtrack import config
from claimtrack.errors import BadInput

README = Path(__file__).resolve().parent.parent / "README.md"


def example_from_readme() -> str:
    """The example configuration as the README shows it (the block after its marker)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("```toml", text.index("<!-- example configuration -->")) + len("```toml")
    return text[start : text.index("```", start)]


def test_without_a_file_the_defaults_apply(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMTRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    loaded = config.load()
    assert loaded.tz == UTC
    assert loaded.reminders == [30, 7]
    assert loaded.sweep_interval == 60
    assert loaded.digest == "0 9 * * mon"
    assert [c.type for c in loaded.channels] == ["stdout"]


def test_the_readme_example_is_a_valid_configuration(tmp_path):
    path = tmp_path / "claimtrack.toml"
    path.write_text(example_from_readme(), encoding="utf-8")
    loaded = config.load(path)
    assert loaded.tz == ZoneInfo("Europe/Paris")
    assert [c.type for c in loaded.channels] == [
        "stdout",
        "file",
        "email",
        "webhook",
        "apprise",
        "apprise",
    ]


def test_the_file_is_found_through_the_environment_and_the_default_place(tmp_path, monkeypatch):
    named = tmp_path / "named.toml"
    named.write_text('timezone = "America/Bogota"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMTRACK_CONFIG", str(named))
    assert config.load().timezone == "America/Bogota"
    monkeypatch.delenv("CLAIMTRACK_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg" / "claimtrack").mkdir(parents=True)
    (tmp_path / "xdg" / "claimtrack" / "config.toml").write_text("reminders = [14]\n")
    assert config.load().reminders == [14]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('timezone = "Mars/Olympus"', "config x.toml: timezone: 'Mars/Olympus' is not a time zone"),
        ("reminders = [30, 0]", "config x.toml: reminders[2]: Input should be greater than"),
        ('reminders = "weekly"', "config x.toml: reminders: Input should be a valid list"),
        ("sweep_interval = 0", "config x.toml: sweep_interval: Input should be greater than"),
        ('digest = "every monday"', "config x.toml: digest: 'every monday' is not a crontab"),
        ("remiders = [30]", "config x.toml: remiders: unknown key"),
        ("channels = []", "config x.toml: channels: give at least one channel"),
        (
            '[[channels]]\ntype = "webhook"\nurl = "http://user:s3cret@hooks.example/x"',
            "config x.toml: channels[1].url: holds a user or password (user:pass@host)",
        ),
        ('[[channels]]\ntype = "sms"', "config x.toml: channels[1]: unknown channel type"),
        ("[[channels]]\nformat = 'text'", "config x.toml: channels[1]: a channel needs a type"),
        ('[[channels]]\ntype = "file"', "config x.toml: channels[1].path: this key is required"),
        (
            '[[channels]]\ntype = "file"\npath = "/"',
            "config x.toml: channels[1].path: / is a folder",
        ),
        (f'timezone = "Europe/{"A" * 5000}"', "config x.toml: timezone: 'Europe/AAAAAAAAAAAAA"),
        (
            '[[channels]]\ntype = "stdout"\n[[channels]]\ntype = "email"\nhost = "h"\n'
            'from = "a@b.org"\nto = ["c@d.org"]\nport = "smtp"',
            "config x.toml: channels[2].port: Input should be a valid integer",
        ),
        (
            '[[channels]]\ntype = "email"\nhost = "h"\nfrom = "a@b.org"\nto = ["desk"]',
            "config x.toml: channels[1].to[1]: give email addresses",
        ),
        (
            '[[channels]]\ntype = "webhook"\nurl = "ftp://example.org/x"',
            "config x.toml: channels[1].url: give an http:// or https:// URL",
        ),
        (
            '[[channels]]\ntype = "stdout"\n[[channels]]\ntype = "stdout"',
            "config x.toml: channels: two channels are named 'stdout'",
        ),
        (
            '[[channels]]\ntype = "stdout"\nformat = "html"',
            "config x.toml: channels[1].format: Input should be 'text', 'markdown' or 'json'",
        ),
    ],
)
def test_a_mistake_is_refused_naming_the_key(toml, message):
    import tomllib

    with pytest.raises(BadInput) as refused:
        config.parse(tomllib.loads(toml), "x.toml")
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert len(str(refused.value)) < 200


def test_a_file_that_is_not_toml_is_refused_with_its_path(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("timezone = Europe/Paris\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"config .*bad.toml: not valid TOML"):
        config.load(path)


def test_a_named_file_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(BadInput, match=r"--config: .*missing.toml does not exist"):
        config.load(tmp_path / "missing.toml")

"""`flask i18n fill` writes pending translations into the catalogues, and refuses bad ones."""

import json
import shutil

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from app.i18n_fill import FillError, fill_catalogues


def _write(directory, locale, messages):
    catalog = Catalog(locale=locale)
    for msgid in messages:
        catalog.add(msgid, flags=("python-format",) if isinstance(msgid, tuple) else ())
    path = directory / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def _read(path, locale):
    with path.open("rb") as handle:
        return {
            m.id if isinstance(m.id, str) else m.id[0]: m.string
            for m in read_po(handle, locale=locale)
            if m.id
        }


def test_pending_translations_fill_every_language_and_check_placeholders(tmp_path):
    messages = ["Letter sent to %(name)s.", "Signatory", ("%(num)d letter", "%(num)d letters")]
    nl_path = _write(tmp_path, "nl", messages)
    ar_path = _write(tmp_path, "ar", messages)
    pending = tmp_path / "letters.json"
    pending.write_text(
        json.dumps(
            {
                "Letter sent to %(name)s.": {
                    "nl": "Brief verstuurd naar %(name)s.",
                    "ar": "أُرسلت الرسالة إلى %(nom)s.",
                },
                "Signatory": {"nl": "Ondertekenaar", "ar": "الموقِّع"},
                "%(num)d letter": {
                    "nl": ["%(num)d brief", "%(num)d brieven"],
                    "ar": [
                        "لا رسالة",
                        "رسالة واحدة",
                        "رسالتان",
                        "%(num)d رسائل",
                        "%(num)d رسالة",
                        "%(num)d رسالة",
                    ],
                },
            },
            ensure_ascii=False,
        )
    )

    report = fill_catalogues([pending], directory=tmp_path)

    assert report["nl"] == (3, [])
    assert _read(nl_path, "nl")["Letter sent to %(name)s."] == "Brief verstuurd naar %(name)s."
    assert _read(nl_path, "nl")["%(num)d letter"] == ("%(num)d brief", "%(num)d brieven")
    filled, missing = report["ar"]
    assert filled == 2  # the misspelt placeholder is refused, not written
    assert missing == ["Letter sent to %(name)s. (placeholders differ from ['%(name)s'])"]
    assert _read(ar_path, "ar")["Letter sent to %(name)s."] == ""
    assert len(_read(ar_path, "ar")["%(num)d letter"]) == 6


def test_a_plain_file_needs_one_locale_and_a_wrong_plural_count_is_refused(tmp_path):
    path = _write(tmp_path, "ar", [("%(num)d day", "%(num)d days")])
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"%(num)d day": ["%(num)d يوم", "%(num)d أيام"]}))
    with pytest.raises(FillError):
        fill_catalogues([plain], directory=tmp_path)
    filled, missing = fill_catalogues([plain], ("ar",), directory=tmp_path)["ar"]
    assert filled == 0 and missing == ["%(num)d day (needs a list of 6 plural forms)"]
    assert _read(path, "ar")["%(num)d day"] == ("", "", "", "", "", "")


def test_the_command_reports_what_is_left(runner, tmp_path, monkeypatch):
    from app import i18n_fill
    from app.config import PROJECT_ROOT

    shutil.copytree(PROJECT_ROOT / "app" / "translations" / "nl", tmp_path / "nl")
    monkeypatch.setattr(i18n_fill, "CATALOGUES", tmp_path)
    monkeypatch.setattr(i18n_fill.fill_catalogues, "__defaults__", (None, tmp_path))
    pending = tmp_path / "p.json"
    pending.write_text(json.dumps({"Save": {"nl": "Bewaren"}}))
    result = runner.invoke(args=["i18n", "fill", "--from", str(pending), "--locale", "nl"])
    assert result.exit_code == 0, result.output
    assert "nl: 1 messages filled, 0 untranslated" in result.output
    assert _read(tmp_path / "nl" / "LC_MESSAGES" / "messages.po", "nl")["Save"] == "Bewaren"

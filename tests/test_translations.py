"""The German and English catalogues are complete, translated, compiled, and used by the pages.

When a test here fails after you added or changed UI text, run ``./scripts/update-translations``,
translate the new German entries in translations/de/LC_MESSAGES/messages.po, and run it again.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("de", "en")
# The same extraction as scripts/update-translations; keep both in step.
EXTRACT_OPTIONS = [
    "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
    "--ignore-dirs=.* __pycache__ node_modules tests bench migrations instance",
]  # fmt: skip
# printf-style placeholders as Python's % operator reads them, including the escaped "%%".
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
HOME_HEADING = "Agreements for the social spaces of Bremen"


def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def translated_messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What the code and templates ask to translate right now."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", *EXTRACT_OPTIONS]
    subprocess.run([*command, "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as file:
        return read_po(file)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_in_the_catalogue(extracted: Catalog, language: str) -> None:
    catalog = catalogue(language)
    missing = [
        singular(message)
        for message in translated_messages(extracted)
        if catalog.get(message.id, context=message.context) is None
    ]
    assert not missing, (
        f"{len(missing)} messages are not in the {language} catalogue yet; run ./scripts/update-translations "
        f"and translate them: {missing}"
    )
    wrong_kind = [
        singular(message)
        for message in translated_messages(extracted)
        if catalog.get(message.id, context=message.context).pluralizable != message.pluralizable
    ]
    assert not wrong_kind, f"singular/plural differs from the code; update the catalogues: {wrong_kind}"


def test_every_german_message_is_translated_and_not_fuzzy() -> None:
    catalog = catalogue("de")
    assert not catalog.fuzzy, "the German catalogue header is marked fuzzy, so it would not be compiled"
    untranslated = [singular(m) for m in translated_messages(catalog) if not all(strings(m))]
    fuzzy = [singular(m) for m in translated_messages(catalog) if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} German messages are empty: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} German messages are fuzzy (check them, then remove the flag): {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    mismatches = []
    for message in translated_messages(catalogue(language)):
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        for index, translation in enumerate(strings(message)):
            if not translation:
                continue  # falls back to the English msgid
            source = sources[min(index, len(sources) - 1)]
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(translation)):
                mismatches.append((source, translation))
    assert not mismatches, f"placeholders differ between msgid and msgstr: {mismatches}"


def test_the_placeholder_check_notices_a_missing_or_renamed_placeholder() -> None:
    found = Counter(PLACEHOLDER.findall("Fassung %(number)d von %(title)s, 100%%"))
    assert found == Counter(["%(number)d", "%(title)s", "%%"])
    assert found != Counter(PLACEHOLDER.findall("Fassung %(nummer)d von %(title)s, 100%%"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language), use_fuzzy=False)
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), (
        f"translations/{language}/LC_MESSAGES/messages.mo is out of date; "
        "run ./scripts/update-translations --compile"
    )


def german(msgid: str) -> str:
    translation = catalogue("de")[msgid].string
    assert translation and translation != msgid
    return translation


@pytest.mark.parametrize(("language", "heading"), [("de", None), ("en", HOME_HEADING)])
def test_the_home_page_speaks_the_browsers_language(client, language: str, heading: str | None) -> None:
    body = client.get("/", headers={"Accept-Language": f"{language}, fr;q=0.5"}).get_data(as_text=True)
    assert f'<html lang="{language}">' in body
    assert f"<h1>{heading or german(HOME_HEADING)}</h1>" in body
    nav = german("Social spaces") if language == "de" else "Social spaces"
    assert f">{nav}</a>" in body


def test_german_is_the_default_language(client) -> None:
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")  # the test client asks for English by default
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in body and f"<h1>{german(HOME_HEADING)}</h1>" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_labels_and_error_pages_are_translated(client, language: str) -> None:
    headers = {"Accept-Language": language}
    login = client.get("/login", headers=headers).get_data(as_text=True)
    assert (german("E-mail address") if language == "de" else "E-mail address") in login  # lazy_gettext
    missing = client.get("/no-such-page", headers=headers)
    assert missing.status_code == 404
    title = german("Page not found") if language == "de" else "Page not found"
    assert title in missing.get_data(as_text=True)


def test_plural_forms_follow_the_number(app) -> None:
    from flask_babel import ngettext

    with app.test_request_context(headers={"Accept-Language": "de"}):
        one = ngettext("%(num)d social space found", "%(num)d social spaces found", 1)
        many = ngettext("%(num)d social space found", "%(num)d social spaces found", 3)
    assert (one, many) == tuple(
        form.replace("%(num)d", str(number))
        for form, number in zip(catalogue("de")["%(num)d social space found"].string, (1, 3), strict=True)
    )
    assert one != many

"""``cordee import`` and ``cordee export`` print in one language from the first line to the
last: ``--language``, else the workspace's (Acme's is French)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

CONTACTS = (
    "Email,First Name,Last Name\r\nana@exemple.fr,Ana,Arnaud\r\npas-une-adresse,Ben,Bonnet\r\n"
)


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _import(tmp_path, capsys, **options) -> list[str]:
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    with pytest.raises(SystemExit):  # line 3 is rejected: exit 1
        call_command("import", str(path), kind="contacts", workspace="acme", **options)
    return capsys.readouterr().out.splitlines()


def test_the_import_prints_everything_in_french_for_a_french_workspace(personas, tmp_path, capsys):
    lines = _import(tmp_path, capsys)

    assert lines[0].startswith("import ") and ": 2 lignes, CSV file" not in lines[0]
    assert ": 2 lignes, Fichier CSV, csv utf-8, séparateur ','" in lines[0]
    assert "Vérification des lignes : 0/2 lignes, 0 rejetées" in lines
    assert any(
        line.startswith("En échec : 1 lignes sur 2 ont été rejetées : rien n’a été enregistré.")
        for line in lines
    )
    assert "  ligne 3 [Email] : « pas-une-adresse » n’est pas une adresse e-mail valide." in lines
    english = re.compile(r"\b(rows|rejected|line|Failed|Checking|not a valid)\b")
    assert not [line for line in lines if english.search(line)]


def test_language_en_prints_everything_in_english(personas, tmp_path, capsys):
    lines = _import(tmp_path, capsys, language="en")

    assert ": 2 rows, CSV file, csv utf-8, separator ','" in lines[0]
    assert "Checking the rows: 0/2 rows, 0 rejected" in lines
    assert any(
        line.startswith("Failed: 1 of 2 rows were rejected, so nothing was written.")
        for line in lines
    )
    assert "  line 3 [Email]: 'pas-une-adresse' is not a valid e-mail address." in lines
    french = re.compile(r"(lignes|rejetées|échec|Vérification|n’est pas)")
    assert not [line for line in lines if french.search(line)]


def test_the_export_speaks_the_language_asked(personas, tmp_path, capsys):
    out = tmp_path / "acme.zip"
    call_command("export", workspace="acme", format="csv", out=str(out))
    french = capsys.readouterr().out
    call_command("export", workspace="acme", format="csv", out=str(out), language="en")
    english = capsys.readouterr().out
    assert re.search(r"acme\.zip : \d+ tables, \d+ lignes \(csv\)", french)
    assert re.search(r"acme\.zip: \d+ tables, \d+ rows \(csv\)", english)

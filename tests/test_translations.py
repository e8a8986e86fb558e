"""The Spanish translation is complete, speaks "tú" throughout, and its compiled .mo is up to date.

Runs Django's `makemessages` on a copy of the source, so a string added to the
code without a Spanish translation fails here, in CI, not in front of a user.
Two catalogues: locale/ (our strings, made by `makemessages`) and
locale_overrides/ (the packages' strings restated in "tú", kept by hand).
"""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django.conf
import pytest
from django.apps import apps
from django.conf import settings
from django.utils.translation import trans_real

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
OVERRIDES = ROOT / "locale_overrides" / "es" / "LC_MESSAGES"
CATALOGUES = [PO, OVERRIDES / "django.po", OVERRIDES / "djangojs.po"]

# Forms that address the reader as "usted". Wins says "tú" everywhere; the packages'
# Spanish mixes both ("Ha iniciado sesión", "Introduzca", "¿Olvidó su contraseña?").
# "su"/"sus" alone is no sign (it is also "their"), so only the reader's own things
# count; an imperative after "se" or "te" is impersonal or about someone else.
USTED = re.compile(
    r"\b(?:usted|ustedes)\b"
    r"|(?<!\bse )(?<!\bte )\b(?:introduzca|introdúzcalo|introduza|ingrese|escriba|seleccione|"
    r"elija|escoja|haga|inicie|intente|inténtelo|compruebe|verifique|utilice|confirme|vuelva|"
    r"pulse|consulte|añada|agregue|corrija|proporcione|solicite|emita|marque|desmarque|"
    r"habilite|observe|mantenga|empiece|vaya|siga|asegúrese|póngase|regístrese|contáctenos|"
    r"elimínelos|autentíquese|identifíquese|diríjase)\b"
    r"|\b(?:su|sus)\s+(?:cuenta|contraseña|correo|dirección de correo|navegador|códigos?|"
    r"sesión|perfil|aplicación|dispositivo|carpeta|bandeja|información|usuario|teléfono|"
    r"paciencia|credenciales|base de datos)\b"
    r"|¿\s*(?:está|desea|quiere)\b"
    r"|\b(?:desea|olvidó|recibirá|le hemos|le enviaremos|le permite|le preocupa)\b"
    r"|(?<!\bse )\bha\s+(?:iniciado|cerrado|confirmado|olvidado|indicado|decidido|recibido|"
    r"seleccionado|verificado)\b",
    re.IGNORECASE,
)
SOURCES = ["manage.py", "wins_net", "accounts", "feed", "templates", "locale"]


@pytest.fixture(scope="module")
def gettext_tools() -> None:
    for tool in ("msgfmt", "msgattrib", "msgcat", "msgcmp", "xgettext"):
        if not shutil.which(tool):
            unavailable(f"{tool} is missing: apt-get install gettext")


@pytest.fixture(scope="module")
def fresh_po(gettext_tools, tmp_path_factory) -> Path:
    """The .po that `makemessages` makes from the current source."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "SECRET_KEY": "translations-test"},
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_string_of_the_source_is_in_the_spanish_po(fresh_po):
    """Run `make messages` and translate what it adds when this fails."""
    result = subprocess.run(["msgcmp", "--use-untranslated", str(PO), str(fresh_po)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT)))
def test_every_spanish_string_is_translated_and_not_fuzzy(gettext_tools, po):
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert untranslated.strip() == "", "untranslated:\n" + untranslated
    assert fuzzy.strip() == "", "fuzzy:\n" + fuzzy


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT)))
def test_compiled_mo_matches_the_po(gettext_tools, tmp_path, po):
    """Run `make messages` (it compiles too) when this fails."""
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True)
    assert po.with_suffix(".mo").read_bytes() == compiled.read_bytes()


def _messages(mo: Path) -> dict:
    """A compiled catalogue's messages, keyed as gettext keys them (plural forms as tuples)."""
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    return {key: text for key, text in catalog.items() if key != ""}


def _package_catalogues(domain: str = "django") -> list[Path]:
    """The Spanish catalogues of Django itself and of every installed app."""
    folders = [Path(django.conf.__file__).parent / "locale"]
    folders += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    found = [folder / "es" / "LC_MESSAGES" / f"{domain}.mo" for folder in folders]
    return [mo for mo in found if mo.exists()]


def test_the_overrides_come_first():
    """Django merges LOCALE_PATHS over the apps' catalogues, the first folder last (so it wins)."""
    assert [Path(path).name for path in settings.LOCALE_PATHS] == ["locale_overrides", "locale"]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT)))
def test_our_catalogues_say_tu_never_usted(po):
    usted = {key: text for key, text in _messages(po.with_suffix(".mo")).items()
             if USTED.search(text)}  # fmt: skip
    assert usted == {}


def test_every_package_string_reaches_a_spanish_speaker_in_tu():
    """allauth's pages, messages and emails, the admin, validation errors: as Wins says them.

    A package upgrade that brings a new "usted" string fails here: restate it in
    locale_overrides/es/LC_MESSAGES/django.po and run `make messages`.
    """
    merged = trans_real.translation("es")._catalog
    usted = {}
    for mo in _package_catalogues():
        for key in _messages(mo):
            if USTED.search(merged[key]):
                usted[key] = merged[key]
    assert usted == {}


def test_the_admins_javascript_speaks_tu_too():
    admin = Path(apps.get_app_config("admin").path) / "locale"
    merged = trans_real.DjangoTranslation("es", domain="djangojs", localedirs=[admin])._catalog
    usted = {key: merged[key] for mo in _package_catalogues("djangojs")
             for key in _messages(mo) if USTED.search(merged[key])}  # fmt: skip
    assert usted == {}


def _every_msgid(po: Path) -> set[str]:
    """The msgids of a .po, translated or not (a .mo holds only the translated ones)."""
    flat = subprocess.run(
        ["msgcat", "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    found = re.findall(r'^msgid ((?:".*"\n)+)', flat, re.M)
    return {"".join(json.loads(part) for part in text.split("\n") if part) for text in found}


def _msgid(key: str | tuple[str, int]) -> str:
    """A gettext key without its plural form's number or its context."""
    return (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_overrides_restate_package_strings_only(gettext_tools, domain):
    """Each override names a string some package has (a renamed one would be dead
    weight), and none shadows one of ours: those belong in locale/."""
    overrides = {_msgid(key) for key in _messages(OVERRIDES / f"{domain}.mo")}
    packages = set().union(
        *(_every_msgid(mo.with_suffix(".po")) for mo in _package_catalogues(domain))
    )
    assert overrides - packages == set()
    if domain == "django":
        assert overrides & {_msgid(key) for key in _messages(MO)} == set()


def test_the_pattern_catches_the_packages_usted():
    """The check above is only as good as this pattern."""
    for text in [
        "Ha iniciado sesión exitosamente como Ana.",
        "¿Olvidó su contraseña?",
        "Introduzca una dirección de correo electrónico válida.",
        "Asegúrese de que este valor tenga menos de 5 caracteres (tiene 6).",
        "¿Está usted seguro?",
        "Le hemos enviado un correo electrónico.",
        "Por favor, vuelva a autenticarse para proteger su cuenta.",
    ]:
        assert USTED.search(text), text
    for text in [
        "Has iniciado sesión como Ana.",
        "Tu correo electrónico se ha confirmado.",
        "Reduce su tamaño y vuelve a intentarlo.",
        "Esta historia no es pública, y no lo será salvo que se te vuelva a preguntar.",
    ]:
        assert not USTED.search(text), text

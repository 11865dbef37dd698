"""The templates of every automatic mail, per language, and the filters that write amounts
and dates in the recipient's locale. Pure: no IO beyond reading the templates.

Packaged templates live in ``outbound/templates/<lang>/`` for the languages of
:data:`core.locales.TEMPLATE_LANGUAGES`. A company's own go in ``ARBOX_TEMPLATES_DIR``:
``<dir>/<lang>/<name>`` wins over the packaged one of that language, and ``<dir>/<name>``
(the layout before issue 21) over the packaged English one. A name a language lacks falls
back to English; a locale whose language has no templates is written in English with its
own number and date formats.

The environment is sandboxed (a template cannot reach Python internals), undefined names
raise (``StrictUndefined``) and HTML templates (``*.html.j2``) are autoescaped. Every template
renders with ``locale`` in its context: ``{{ x|money(currency) }}`` writes ``1.234,56 €``
for ``de_DE`` (``{{ x|amount(currency) }}`` the number alone, ``1.234,56``) and
``{{ day|date }}`` ``05.03.2026``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from core.locales import TEMPLATE_LANGUAGES, format_date, format_money, template_language

#: The packaged templates' root (a language per subdirectory).
PACKAGED = Path(__file__).with_name("templates")


@pass_context
def _money(context: Context, amount: Decimal, currency: str) -> str:
    return format_money(amount, currency, _locale(context))


@pass_context
def _amount(context: Context, amount: Decimal, currency: str) -> str:
    return format_money(amount, currency, _locale(context), symbol=False)


@pass_context
def _date(context: Context, day: date) -> str:
    return format_date(day, _locale(context))


def _locale(context: Context) -> str:
    locale = context.get("locale")
    if not isinstance(locale, str):
        raise TemplateError("render the template with a 'locale' (e.g. de_DE) in its context")
    return locale


@lru_cache(maxsize=8)
def languages(templates_dir: Path | None = None) -> tuple[str, ...]:
    """The languages with templates: the packaged ones and any ``<dir>/<lang>/`` of
    ``templates_dir`` (a two- or three-letter directory name). Read once per process, as the
    templates are: a changed directory takes a restart."""
    return language_dirs(templates_dir)


def language_dirs(templates_dir: Path | None) -> tuple[str, ...]:
    """:func:`languages`, read from the directory now."""
    found = list(TEMPLATE_LANGUAGES)
    if templates_dir is not None and templates_dir.is_dir():
        for child in sorted(templates_dir.iterdir()):
            name = child.name
            if child.is_dir() and name.isalpha() and name.islower() and 2 <= len(name) <= 3:
                found.append(name)
    return tuple(dict.fromkeys(found))


def environment_for(locale: str, templates_dir: Path | None = None) -> SandboxedEnvironment:
    """The environment of a mail in ``locale``: its language's templates (English when it
    has none) with the company's own first."""
    return template_environment(
        templates_dir, language=template_language(locale, languages(templates_dir))
    )


@lru_cache(maxsize=32)
def template_environment(
    templates_dir: Path | None = None, *, language: str = "en"
) -> SandboxedEnvironment:
    """Templates of ``language``: ``templates_dir/<language>`` first (when given), then the
    packaged ones of ``language``, then English (``templates_dir/en``, ``templates_dir``
    itself, the packaged English)."""
    loaders: list[BaseLoader] = []
    if templates_dir is not None:
        loaders.append(FileSystemLoader(str(templates_dir / language)))
    if language != "en" and (PACKAGED / language).is_dir():
        loaders.append(PackageLoader("outbound", f"templates/{language}"))
    if templates_dir is not None:
        if language != "en":
            loaders.append(FileSystemLoader(str(templates_dir / "en")))
        loaders.append(FileSystemLoader(str(templates_dir)))
    loaders.append(PackageLoader("outbound", "templates/en"))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
    )
    env.filters["money"] = _money
    env.filters["amount"] = _amount
    env.filters["date"] = _date
    return env


def render(
    name: str, context: Mapping[str, Any], *, locale: str, templates_dir: Path | None = None
) -> str:
    """Template ``name`` rendered for ``locale`` (added to ``context``)."""
    env = environment_for(locale, templates_dir)
    return env.get_template(name).render({**context, "locale": locale})


def render_subject(
    name: str, context: Mapping[str, Any], *, locale: str, templates_dir: Path | None = None
) -> str:
    """A ``*.subject.j2`` template on one line (its line breaks and runs of spaces folded)."""
    return " ".join(render(name, context, locale=locale, templates_dir=templates_dir).split())

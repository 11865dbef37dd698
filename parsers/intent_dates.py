"""The date a customer says it will pay, written in English, German, French, Spanish or Dutch.
Pure: no IO, no clock: relative dates ("next Friday", "Ende des Monats") need ``today``,
which the classifier takes from the mail's Date header.

Absolute dates::

    2026-12-15   15.12.2026   15.12.   12/15/2026 (English: month first)   15/12/2026
    15 December 2026   December 15, 2026   15th of December   15. Dezember   15 décembre
    15 de diciembre de 2026   the 15th

Relative dates (to ``today``)::

    today / tomorrow / the day after tomorrow (heute, morgen, übermorgen, aujourd'hui,
    demain, après-demain, hoy, mañana, pasado mañana, vandaag, overmorgen); next Friday, on
    Friday, am Freitag, vendredi prochain, el próximo viernes, op vrijdag (the first such
    weekday after today); next week, volgende week (the Friday of next week); end of the
    month, Monatsende, fin du mois, fin de mes, einde van de maand (the last day of this
    month; "end of next month": of the next); in 10 days, in 2 Wochen, dans 3 jours, en 5
    días, binnen 10 dagen.

A date without a year is the next such day: this year, unless that is more than a month
ago, then next year.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from parsers.ascii_numbers import ascii_int

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january januar janvier enero jänner januari",
        "feb february februar février fevrier febrero februari",
        "mar march märz maerz mars marzo maart",
        "apr april avril abril",
        "may mai mayo mei",
        "jun june juni juin junio",
        "jul july juli juillet julio",
        "aug august août aout agosto augustus",
        "sep sept september septembre septiembre setiembre",
        "oct october oktober okt octobre octubre",
        "nov november novembre noviembre",
        "dec december dezember dez décembre decembre diciembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "monday montag lundi lunes maandag",
        "tuesday dienstag mardi martes dinsdag",
        "wednesday mittwoch mercredi miércoles miercoles woensdag",
        "thursday donnerstag jeudi jueves donderdag",
        "friday freitag vendredi viernes vrijdag",
        "saturday samstag sonnabend samedi sábado sabado zaterdag",
        "sunday sonntag dimanche domingo zondag",
    )
):
    for _name in _names.split():
        _WEEKDAYS[_name] = _number
_WEEKDAY = "(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "fourteen": 14,
    "ein": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "zehn": 10,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "dix": 10, "quinze": 15,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "diez": 10, "quince": 15,
    "een": 1, "twee": 2, "drie": 3, "tien": 10, "veertien": 14,
}  # fmt: skip
_COUNT = "(?P<count>[0-9]{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"

_ISO_RE = re.compile(r"(?<![0-9.])(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?![0-9])")
_DOTTED_RE = re.compile(
    r"(?<![0-9.,])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?:(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?![0-9.,][0-9]))?(?![0-9,])"
)
_SLASHED_RE = re.compile(
    r"(?<![0-9/])(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})(?![0-9/])"
)
_DAY_MONTH_RE = re.compile(
    rf"(?<![0-9])(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th|er|\.|º)?\s+(?:of\s+|de\s+)?{_MONTH}"
    r"(?:,?\s+(?:de\s+)?(?P<y>[0-9]{4}))?(?![\w])",
    re.IGNORECASE,
)
_MONTH_DAY_RE = re.compile(
    rf"(?<![\w]){_MONTH}\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9])(?:,?\s+(?P<y>[0-9]{{4}}))?",
    re.IGNORECASE,
)
_NTH_RE = re.compile(
    r"\b(?:the|le|el)\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th|er)?\b(?!\s*[./%0-9])"
    rf"(?!\s*(?:of\s+|de\s+)?{_MONTH.replace('?P<month>', '')})",
    re.IGNORECASE,
)
_DAY_OFFSET_RE = re.compile(
    r"(?P<word>day\s+after\s+tomorrow|übermorgen|après-demain|pasado\s+mañana|overmorgen"
    r"|today|heute|aujourd'hui|aujourd’hui|hoy|vandaag|tomorrow|morgen|demain|mañana)\b",
    re.IGNORECASE,
)
_DAY_OFFSETS = {
    "day after tomorrow": 2, "übermorgen": 2, "après-demain": 2, "pasado mañana": 2,
    "overmorgen": 2, "vandaag": 0,
    "today": 0, "heute": 0, "aujourd'hui": 0, "aujourd’hui": 0, "hoy": 0,
    "tomorrow": 1, "morgen": 1, "demain": 1, "mañana": 1,
}  # fmt: skip
_WEEKDAY_RE = re.compile(rf"(?<![\w]){_WEEKDAY}(?![\w])", re.IGNORECASE)
_NEXT_WEEK_RE = re.compile(
    r"\b(?:next\s+week|nächste[nr]?\s+woche|kommende[nr]?\s+woche|semaine\s+prochaine"
    r"|pr[óo]xima\s+semana|semana\s+que\s+viene|volgende\s+week|komende\s+week)\b",
    re.IGNORECASE,
)
_MONTH_END_RE = re.compile(
    r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<next_en>next\s+)?month|month[- ]end"
    r"|(?:ende\s+(?:des|dieses)\s+(?P<next_de1>nächsten\s+)?monats)|monatsende"
    r"|fin\s+(?:du|de)\s+(?:ce\s+)?mois(?P<next_fr>\s+prochain)?"
    r"|(?:a\s+)?fin(?:ales)?\s+de(?:l)?\s+mes(?P<next_es>\s+pr[óo]ximo|\s+que\s+viene)?"
    r"|(?:het\s+)?einde?\s+van\s+(?:de|deze)\s+(?P<next_nl>volgende\s+)?maand)\b",
    re.IGNORECASE,
)
_WEEK_END_RE = re.compile(
    r"\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+week|ende\s+(?:der|dieser)\s+woche"
    r"|fin\s+de\s+(?:la\s+|cette\s+)?semaine|(?:a\s+)?fin(?:ales)?\s+de\s+(?:la\s+|esta\s+)?semana)\b",
    re.IGNORECASE,
)
#: "Ende November", "fin novembre", "a finales de noviembre", "eind november", "end of
#: November" (the month's last day); "Mitte Dezember", "mi-décembre", "mediados de
#: diciembre", "half december", "mid-December" (the 15th).
_PART_OF_MONTH_RE = re.compile(
    r"\b(?:(?P<end>(?:the\s+)?end\s+of|late|ende|fin(?:\s+de)?|(?:a\s+)?fin(?:ales)?\s+de|eind(?:e)?"
    r"|uiterlijk\s+eind)|(?P<mid>mid-?|mitte|mi-|(?:a\s+)?mediados\s+de|half|medio))\s*"
    rf"{_MONTH}(?:\s+(?P<y>[0-9]{{4}}))?(?![\w])",
    re.IGNORECASE,
)
#: "KW 46", "in Kalenderwoche 46", "week 46", "semaine 46", "semana 46": the Friday of that
#: ISO week.
_CALENDAR_WEEK_RE = re.compile(
    r"\b(?:kw|kalenderwoche|wk|week|semaine|semana)\s*\.?\s*(?P<week>[0-9]{1,2})\b(?![.,/][0-9])",
    re.IGNORECASE,
)
#: "this week", "diese Woche", "cette semaine", "esta semana", "deze week": its Friday.
_THIS_WEEK_RE = re.compile(
    r"\b(?:this\s+week|diese\s+woche|cette\s+semaine|esta\s+semana|deze\s+week)\b",
    re.IGNORECASE,
)
_IN_DAYS_RE = re.compile(
    rf"\b(?:in|within|innerhalb\s+von|dans|sous|en|dentro\s+de|binnen|over)\s+{_COUNT}\s+"
    r"(?P<unit>days?|weeks?|tage[n]?|wochen?|jours?|semaines?|d[íi]as?|semanas?|dagen|weken)\b",
    re.IGNORECASE,
)


def find_date(text: str, *, today: date | None, month_first: bool = False) -> date | None:
    """The first date written in ``text``, or None; a date written out wins over a relative
    one ("next Friday, 18 December": December 18).

    ``month_first`` reads ``12/05/2026`` as December 5 (English mail); either way a reading
    that is no date (``15/12/2026`` month first) falls back to the other. Relative dates
    and dates without a year need ``today``; without it they are None.
    """
    found = _absolute_dates(text, today=today, month_first=month_first)
    if not found and today is not None:
        found = _relative_dates(text, today=today)
    return min(found, key=lambda item: item[0])[1] if found else None


def _absolute_dates(text: str, *, today: date | None, month_first: bool) -> list[tuple[int, date]]:
    out: list[tuple[int, date]] = []

    def add(start: int, year: str | None, month: int, day: int) -> None:
        value = _complete(year, month, day, today=today)
        if value is not None:
            out.append((start, value))

    for m in _ISO_RE.finditer(text):
        add(m.start(), m.group("y"), _read_number(m.group("m")), _read_number(m.group("d")))
    for m in _DOTTED_RE.finditer(text):
        add(m.start(), m.group("y"), _read_number(m.group("m")), _read_number(m.group("d")))
    for m in _SLASHED_RE.finditer(text):
        a, b = _read_number(m.group("a")), _read_number(m.group("b"))
        month, day = (a, b) if month_first else (b, a)
        if month > 12:
            month, day = day, month
        add(m.start(), m.group("y"), month, day)
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        for m in pattern.finditer(text):
            month = _MONTHS[m.group("month").lower()]
            add(m.start(), m.group("y"), month, _read_number(m.group("d")))
    for m in _PART_OF_MONTH_RE.finditer(text):
        month = _MONTHS[m.group("month").lower()]
        year = m.group("y") or (None if today is None else str(_year_of(month, today)))
        if year is not None:
            last = calendar.monthrange(_read_number(year) or 1, month)[1]
            add(m.start(), year, month, last if m.group("end") else 15)
    if today is not None:
        for m in _NTH_RE.finditer(text):
            day = _read_number(m.group("d"))
            month, year = today.month, today.year
            if day < today.day:
                month, year = (1, year + 1) if month == 12 else (month + 1, year)
            add(m.start(), str(year), month, day)
    return out


#: A day of the month named alone, the month understood: "on the 2nd", "am 2.", "le 2",
#: "el día 2", "op de 2e" (a date with its month is read before this).
_DAY_OF_MONTH_RE = re.compile(
    r"\b(?:on\s+the|by\s+the|the)\s+(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b"
    r"|\b(?:am|bis\s+zum|zum)\s+(?P<day2>[1-9]|[12]\d|3[01])\.(?!\s*\d)"
    r"|\b(?:el\s+d[íi]a|d[íi]a)\s+(?P<day3>[1-9]|[12]\d|3[01])\b(?!\s*(?:de|/|\.)\s*\w)"
    r"|\bop\s+de\s+(?P<day4>[1-9]|[12]\d|3[01])(?:e|ste|de)\b",
    re.IGNORECASE,
)


def _relative_dates(text: str, *, today: date) -> list[tuple[int, date]]:
    out: list[tuple[int, date]] = []
    for m in _DAY_OFFSET_RE.finditer(text):
        word = re.sub(r"\s+", " ", m.group("word").lower())
        out.append((m.start(), today + timedelta(days=_DAY_OFFSETS[word])))
    for m in _WEEKDAY_RE.finditer(text):
        ahead = (_WEEKDAYS[m.group("weekday").lower()] - today.weekday() - 1) % 7 + 1
        out.append((m.start(), today + timedelta(days=ahead)))
    for m in _NEXT_WEEK_RE.finditer(text):
        monday = today + timedelta(days=7 - today.weekday())
        out.append((m.start(), monday + timedelta(days=4)))
    for m in _THIS_WEEK_RE.finditer(text):
        out.append((m.start(), today + timedelta(days=max(0, 4 - today.weekday()))))
    for m in _CALENDAR_WEEK_RE.finditer(text):
        week = _read_number(m.group("week"))
        friday = _iso_friday(today.year, week)
        if friday is not None and friday < today - timedelta(days=31):
            friday = _iso_friday(today.year + 1, week)
        if friday is not None:
            out.append((m.start(), friday))
    for m in _WEEK_END_RE.finditer(text):
        out.append((m.start(), today + timedelta(days=max(0, 4 - today.weekday()))))
    for m in _MONTH_END_RE.finditer(text):
        year, month = today.year, today.month
        if any(m.group(g) for g in ("next_en", "next_de1", "next_fr", "next_es", "next_nl")):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append((m.start(), date(year, month, calendar.monthrange(year, month)[1])))
    for m in _DAY_OF_MONTH_RE.finditer(text):
        day = int(next(g for g in m.group("day", "day2", "day3", "day4") if g))
        year, month = today.year, today.month
        if day <= today.day:  # "on the 2nd" said on the 7th: next month's
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if day <= calendar.monthrange(year, month)[1]:
            out.append((m.start(), date(year, month, day)))
    for m in _IN_DAYS_RE.finditer(text):
        raw = m.group("count").lower()
        count = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else _read_number(raw)
        weeks = m.group("unit").lower().startswith(("week", "woche", "semaine", "semana", "weken"))
        out.append((m.start(), today + timedelta(days=count * (7 if weeks else 1))))
    return out


def _year_of(month: int, today: date) -> int:
    """The year of ``month`` named without one: this year, unless it ended more than a month
    before ``today``."""
    return today.year + 1 if month < today.month - 1 else today.year


def _iso_friday(year: int, week: int) -> date | None:
    try:
        return date.fromisocalendar(year, week, 5)
    except ValueError:
        return None


def _read_number(text: str) -> int:
    """The number of ``text`` (matched by ``[0-9]``): ASCII digits only, never ``int()`` on
    what a sender wrote in other scripts; 0 (no day, month or year) for anything else."""
    value = ascii_int(text, maximum=9999)
    return 0 if value is None else value


def _complete(year: str | None, month: int, day: int, *, today: date | None) -> date | None:
    """The date of ``day``.``month``.``year``; the year of a date without one is inferred
    from ``today`` (None without it); None when it is no date."""
    if year is not None:
        number = _read_number(year)
        if number == 0:
            return None
        number = number + 2000 if number < 100 else number
        if not 1900 <= number <= 2199:
            return None
        return _date(number, month, day)
    if today is None:
        return None
    value = _date(today.year, month, day)
    if value is not None and value < today - timedelta(days=31):
        value = _date(today.year + 1, month, day)
    return value


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

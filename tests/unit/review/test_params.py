"""Issue 19, finding 6: odd parameters answer 400 (or 404 for an id no row can have), never
500. One test walks every route of the app with hostile values for each of its parameters;
a route added without an entry in :data:`PARAMETERS` fails it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.routing import Mount, Route

from tests.unit.review.conftest import csrf_of

#: Values that broke the app or might: non-ASCII digits, huge numbers, NaN, far dates,
#: control characters, markup, a long value, empty.
HOSTILE = [
    "²",
    "٣",
    "１",
    "99999999999999999999999",
    "9" * 5000,
    "-1",
    "0",
    "NaN",
    "-Infinity",
    "1e999",
    "0x10",
    "1_000",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "",
    " ",
    "\x00",
    "'\"<script>",
    "%",
    "x" * 3000,
]
#: Every route's parameters: (query or form names, path parameter names).
PARAMETERS: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("GET", "/"): ((), ()),
    ("GET", "/login"): (("next",), ()),
    ("POST", "/login"): (("username", "password", "next"), ()),
    ("POST", "/logout"): ((), ()),
    ("GET", "/queue"): (
        ("kind", "customer", "min_age_days", "min_amount", "max_amount", "q", "sort"),
        (),
    ),
    ("GET", "/dashboard"): ((), ()),
    ("GET", "/reports"): (("as_of",), ()),
    ("GET", "/reports/aging.xlsx"): (("as_of",), ()),
    ("GET", "/rules"): (("deleted",), ()),
    ("POST", "/rules/{rule_id:id}/delete"): ((), ("rule_id",)),
    ("GET", "/settings"): ((), ()),
    ("GET", "/languages"): (("confirmed",), ()),
    ("POST", "/languages/{contact_id:id}/confirm"): (("locale", "next"), ("contact_id",)),
    ("GET", "/applications"): (("q", "unapplied"), ()),
    ("POST", "/applications/{application_id:id}/unapply"): (("reason",), ("application_id",)),
    ("GET", "/items/bulk-accept"): (("min_confidence", "kind", "customer"), ()),
    ("POST", "/items/bulk-accept"): (("min_confidence", "kind", "customer", "item"), ()),
    ("GET", "/items/{item_id:id}"): (("done",), ("item_id",)),
    ("GET", "/items/{item_id:id}/pages/{page:id}.png"): ((), ("item_id", "page")),
    ("POST", "/items/{item_id:id}/{decision:str}"): (
        ("invoice", "amount", "reason", "customer", "text", "body", "remember", "submission"),
        ("item_id", "decision"),
    ),
    # issue 24: a dispute credited, and its credit memo settled (review.item_credit)
    ("POST", "/items/{item_id:id}/credit"): (
        ("invoice", "amount", "lines", "reason", "submission"),
        ("item_id",),
    ),
    ("POST", "/items/{item_id:id}/settle"): (("credit", "submission"), ("item_id",)),
    ("GET", "/invoices/search"): (("q", "item"), ()),
    ("GET", "/static"): ((), ("path",)),
    # issue 20: no sign-in, no parameters
    ("GET", "/healthz"): ((), ()),
    ("GET", "/readyz"): ((), ()),
    ("GET", "/metrics"): ((), ()),
}
#: A value for each path parameter that names something that exists (or may).
GOOD_PATH = {"rule_id": "1", "application_id": "1", "item_id": "1", "page": "1",
             "decision": "note", "path": "app.js", "contact_id": "1"}  # fmt: skip


def routes_of(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, Route):
            found += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
        elif isinstance(route, Mount):
            found.append(("GET", route.path))
    return found


def url_for(template: str, path: dict[str, str]) -> str:
    if template == "/static":
        return "/static/" + quote(path["path"], safe="")
    out = template
    for name, value in path.items():
        out = out.replace("{" + name + ":id}", quote(value, safe="")).replace(
            "{" + name + ":str}", quote(value, safe="")
        )
    return out


def test_every_route_is_listed(app):
    assert sorted(routes_of(app)) == sorted(PARAMETERS)


def test_issue_19_no_hostile_parameter_of_any_route_answers_500(app, signed_in, seed):
    """https://github.com/arbox/arbox/issues/19 (finding 6)."""
    # Given a supervisor (every route is theirs) and an item, a rule-less ledger
    customer = seed.customer()
    seed.item(customer_id=customer)
    sam = signed_in("sam")
    token = csrf_of(sam.get("/queue").text)
    failures = []
    for (method, template), (names, path_names) in PARAMETERS.items():
        cases: list[tuple[dict[str, str], dict[str, str]]] = []
        good_path = {n: GOOD_PATH[n] for n in path_names}
        for name in path_names:
            cases += [({}, {**good_path, name: value}) for value in HOSTILE if value.strip()]
        for name in names:
            cases += [({name: value}, good_path) for value in HOSTILE]
        for params, path in cases or [({}, good_path)]:
            url = url_for(template, path)
            if method == "GET":
                response = sam.get(url, params=params)
            else:
                response = sam.post(url, data={**params, "csrf_token": token})
            if response.status_code >= 500:
                failures.append((method, url, params, response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/items/{item}?done=²", "done '²' is not an id"),
        ("/items/{item}?done=99999999999999999999999", "is not an id"),
        ("/items/bulk-accept?min_confidence=NaN", "is not a number above 0 and at most 1"),
        ("/reports?as_of=9999-12-31", "is not a date YYYY-MM-DD between 1900 and 2999"),
        ("/reports/aging.xlsx?as_of=2026-02-30", "is not a date"),
        ("/rules?deleted=²", "deleted '²' is not an id"),
        ("/applications?unapplied=-1", "is not an id"),
        ("/invoices/search?q=x&item=٣", "item '٣' is not an id"),
        ("/queue?min_age_days=²", "is not a number of days"),
    ],
)
def test_issue_19_the_probes_odd_parameters_answer_400_with_a_message(
    signed_in, seed, url, message
):
    item = seed.item(customer_id=seed.customer())
    response = signed_in("sam").get(url.format(item=item))
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")


@pytest.mark.parametrize("path", ["/items/99999999999999999999999", "/items/0"])
def test_an_id_no_row_can_have_is_404(signed_in, path):
    assert signed_in("vera").get(path).status_code == 404


def test_a_control_character_in_a_static_path_is_400_signed_out(client):
    response = client.get("/static/app.js%00.css")
    assert response.status_code == 400
    assert client.get("/static/app.js").status_code == 200

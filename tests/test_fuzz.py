"""Thousands of random and hostile query strings and paths against every public URL: no answer is a 500."""

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PUBLIC_PAGES = [
    "/",
    "/ecoles/",
    "/ecoles/gm2a-argentan/",
    "/metiers/",
    "/metiers/usinage/",
    "/formations/",
    "/formations/cap-primeur/",
    "/financements/",
    "/financements/fse-plus/",
    "/parents/",
    "/ecoles/gm2a-argentan/etre-recontacte/",
    "/ecoles/gm2a-argentan/etre-recontacte/merci/",
    "/signaler-une-erreur/",
    "/signaler-une-erreur/merci/",
]
KNOWN_PARAMETERS = ["q", "pres_de", "rayon", "metier", "formation", "departement", "financement", "page"]
HOSTILE_VALUES = [
    "",
    "\x00",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "%",
    "%%00",
    "9" * 5000,
    "-1",
    "1e999",
    "NaN",
    "../../etc/passwd",
    "é" * 3000,
    "\ud800",
    "50700",
    "(12345)",
]

# Any bytes, percent-encoded as a browser or a robot might send them (including invalid UTF-8).
raw_bytes = st.binary(max_size=300).map(lambda data: quote_from_bytes(data, safe=b""))
values = st.one_of(
    st.sampled_from(HOSTILE_VALUES).map(lambda v: quote_from_bytes(v.encode("utf-8", "surrogatepass"))),
    raw_bytes,
)
names = st.one_of(st.sampled_from(KNOWN_PARAMETERS), raw_bytes)
query_strings = st.lists(st.tuples(names, values), max_size=8).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)
)
query_strings |= raw_bytes  # sometimes no structure at all

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def fuzz_client(client, directory):
    client.raise_request_exception = False  # a crash must show as a 500 answer, which the test refuses
    return client


# The public's forms (contact/): any text in any field, posted from the site's own pages, is stored, refused
# with its errors (400) or limited (429), never a crash.
FORMS = {
    "/ecoles/gm2a-argentan/etre-recontacte/": [
        "first_name",
        "phone",
        "email",
        "age",
        "wish",
        "message",
        "site_web",
    ],
    "/signaler-une-erreur/": ["page", "description", "email", "site_web"],
}
# Each value percent-encoded as a browser sends it, from any bytes (invalid UTF-8 included) or any text.
field_values = st.one_of(
    values,
    st.text(max_size=1200).map(lambda v: quote_from_bytes(v.encode("utf-8", "surrogatepass"), safe=b"")),
)


class TestOnTheRealDirectory:
    @pytest.mark.parametrize("path", PUBLIC_PAGES)
    @FUZZ
    @given(query_string=query_strings)
    def test_no_query_string_makes_a_public_page_fail(self, fuzz_client, path, query_string):
        response = fuzz_client.get(path, QUERY_STRING=query_string)
        assert response.status_code < 500, (path, query_string)

    @FUZZ
    @given(
        prefix=st.sampled_from(["/ecoles/", "/metiers/", "/formations/", "/financements/", "/"]),
        tail=raw_bytes,
    )
    def test_no_path_makes_the_site_fail(self, fuzz_client, prefix, tail):
        response = fuzz_client.get(prefix + tail + "/")
        assert response.status_code < 500, prefix + tail

    @pytest.mark.parametrize("url", FORMS)
    @FUZZ
    @given(data=st.data())
    def test_no_input_makes_a_public_form_fail(self, fuzz_client, url, data):
        body = "&".join(f"{name}={data.draw(field_values, label=name)}" for name in FORMS[url])
        response = fuzz_client.post(
            url,
            body,
            content_type="application/x-www-form-urlencoded",
            headers={"Origin": "http://testserver"},
        )
        assert response.status_code < 500, body

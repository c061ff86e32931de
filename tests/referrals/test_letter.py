"""The referral letter (issue 20): a print button (window.print from a small module, shown only when JavaScript
runs, hidden when printing) and no role or relation in brackets after a person's name."""

import re
from pathlib import Path

from .conftest import CAREGIVER


def letter(sent, client):
    client.force_login(sent["worker"])
    response = client.get(f"/cases/referrals/{sent['referral'].pk}/letter/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_letter_has_a_print_button_that_is_not_printed(sent, client):
    from django.contrib.staticfiles import finders

    html = letter(sent, client)
    button = re.search(r"<button[^>]*data-print[^>]*>", html).group(0)
    assert 'type="button"' in button and "no-print" in button and " hidden" in button  # shown by the module
    assert "referrals/letter.js" in html and 'type="module"' in html
    script = Path(finders.find("referrals/letter.js")).read_text()
    assert "window.print()" in script and "data-print" in script
    assert "<script>" not in html  # no inline script (CSP)


def test_no_brackets_after_names(sent, client):
    html = letter(sent, client)
    assert CAREGIVER in html
    assert not re.search(re.escape(CAREGIVER) + r"\s*\(", html)
    worker = sent["worker"].shown_name
    assert not re.search(re.escape(worker) + r"\s*\(", html)
    assert "nenek" in html  # the relation is still said, in its own row

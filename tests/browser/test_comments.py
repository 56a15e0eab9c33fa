"""Comments in a real browser, in French, on a phone (390 px) and a desktop (1280 px): a rep
types "@mi", picks Mia in the suggestions, posts; the comment shows her name and she is told."""

from __future__ import annotations

import pytest

from cordee.comments.models import Comment
from cordee.people.models import Notification
from tests.browser.conftest import check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_a_rep_mentions_a_colleague_from_the_lead_page(browser, live_server, personas, width):
    seeded = seed_workspace(personas)
    rep = open_page(browser, width)
    page = rep.page
    try:
        log_in(rep, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/leads/{seeded.lead.pk}/")
        box = page.get_by_label("Ajouter un commentaire")
        box.press_sequentially("Rappel prévu jeudi, @mi", delay=20)
        pick = page.locator(".mentions button", has_text="@Mia Test")
        pick.wait_for()
        pick.click()
        assert box.input_value() == f"Rappel prévu jeudi, @[Mia Test]({personas.mia.pk}) "
        page.get_by_role("button", name="Publier le commentaire").click()
        shown = page.locator(".comment__body", has_text="Rappel prévu jeudi")
        shown.wait_for()
        assert shown.locator(".mention").inner_text() == "@Mia Test"
        check_and_shoot(rep, "comments-lead", width)
    finally:
        page.context.close()
    comment = Comment.objects.get()
    assert (comment.author, comment.lead_id, comment.mentioned_ids) == (
        personas.bob,
        seeded.lead.pk,
        [personas.mia.pk],
    )
    assert list(Notification.objects.values_list("user", flat=True)) == [personas.mia.pk]

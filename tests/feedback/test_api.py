"""The field-feedback API end to end: a rep raises, marketing triages and answers."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cordee.analytics import similarity as sim
from cordee.feedback.models import FeedbackItem
from cordee.feedback.themes import embeddings_refresh
from cordee.people.models import Notification
from cordee.people.services import api_token_create
from tests import factories as f
from tests.feedback.conftest import raise_item


def test_the_loop_through_the_api(personas, api_as):
    bob, alice = api_as("bob"), api_as("alice")
    created = bob.post(
        "feedback",
        {"kind": "pricing", "title": "Trop cher pour les PME", "text": "Trois refus ce mois-ci."},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "new" and created.json()["votes"] == 0

    assert bob.post(f"feedback/{pk}/status", {"to_status": "acknowledged"}).status_code == 403
    moved = alice.post(
        f"feedback/{pk}/status", {"to_status": "acknowledged", "expected_status": "new"}
    )
    assert moved.status_code == 200 and moved.json()["acknowledged_at"]
    stale = api_as("mia").post(
        f"feedback/{pk}/status", {"to_status": "planned", "expected_status": "new"}
    )
    assert stale.status_code == 409

    assert api_as("dave").post(f"feedback/{pk}/vote").json() == {"item_id": pk, "votes": 1}
    answered = alice.post(
        f"feedback/{pk}/responses",
        {"text": "Offre PME lancée", "what_changed": "-20 % sous 50 salariés"},
    )
    assert answered.status_code == 201
    assert Notification.objects.filter(user=personas.bob, kind="feedback.answered").count() == 1

    detail = bob.get(f"feedback/{pk}").json()
    assert [c["to_status"] for c in detail["status_changes"]] == ["acknowledged"]
    assert detail["responses"][0]["what_changed"] == "-20 % sous 50 salariés"
    assert [v["email"] for v in detail["voters"]] == ["dave@example.fr"]
    assert detail["next_statuses"] == []  # bob may not triage
    assert api_as("alice").get(f"feedback/{pk}").json()["next_statuses"] == [
        "planned",
        "done",
        "wont_do",
    ]


def test_another_workspaces_items_are_404(personas, api_as):
    item = raise_item(personas)
    carol = api_as("carol")
    assert carol.get(f"feedback/{item.pk}").status_code == 404
    assert carol.post(f"feedback/{item.pk}/vote").status_code == 404
    assert (
        carol.post(f"feedback/{item.pk}/status", {"to_status": "acknowledged"}).status_code == 404
    )
    assert carol.get("feedback").json()["count"] == 0


def test_inbox_filters(personas, api_as):
    pod = f.PodFactory(workspace=personas.acme, name="ETI")
    campaign = f.CampaignFactory(workspace=personas.acme)
    a = raise_item(personas, kind="pricing", title="Prix", campaign=campaign.pk)
    b = raise_item(personas, kind="product_gap", title="Appli mobile")
    FeedbackItem.objects.filter(pk=b.pk).update(pod=pod, status="planned")
    alice = api_as("alice")

    def ids(**params):
        response = alice.get("feedback", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    assert ids(kind="pricing") == [a.pk]
    assert ids(kind="pricing,product_gap") == [b.pk, a.pk]
    assert ids(status="planned") == [b.pk]
    assert ids(pod=str(pod.pk)) == [b.pk]
    assert ids(pod="none") == [a.pk]
    assert ids(campaign=str(campaign.pk)) == [a.pk]
    assert ids(q="mobile") == [b.pk]
    assert ids(max_age_days=1) == [b.pk, a.pk]
    assert ids(min_age_days=1) == []
    assert alice.get("feedback", {"kind": "rumour"}).status_code == 422
    assert "sort" in alice.get("feedback", {"sort": "random"}).json()["error"]["fields"]


def test_similar_items_while_typing(personas, api_as, settings):
    settings.FEEDBACK_SIMILARITY_ENGINE = sim.TFIDF_NAME
    price = raise_item(personas, title="Le tarif est trop élevé")
    raise_item(personas, title="Pas d'intégration Salesforce")
    embeddings_refresh(workspace_id=personas.acme.pk)
    found = api_as("bob").get("feedback/similar", {"text": "tarif eleve"}).json()
    assert found[0]["id"] == price.pk and found[0]["score"] > 0


def test_attachment_upload_is_checked(personas):
    item = raise_item(personas)
    _token, secret = api_token_create(actor=personas.actor("bob"), name="t")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/api/v1/feedback/{item.pk}/attachment"
    bad = client.post(url, {"attachment": SimpleUploadedFile("offre.pdf", b"<html>")})
    assert bad.status_code == 422 and "attachment" in bad.json()["error"]["fields"]
    good = client.post(url, {"attachment": SimpleUploadedFile("offre.pdf", b"%PDF-1.7 ...")})
    assert good.status_code == 200 and good.json()["attachment_name"] == "offre.pdf"


def test_health_and_competitors(personas, api_as):
    rivalis = api_as("bob").post("competitors", {"name": "Rivalis"})
    assert rivalis.status_code == 201
    raise_item(
        personas, kind="competitor_move", title="Essai gratuit", competitor=rivalis.json()["id"]
    )
    body = api_as("erin").get("feedback/health", {"months": 1}).json()
    assert body["workspace"]["items"] == 1 and body["workspace"]["reps"] == 1
    assert body["top_competitors"]["series"][0]["label"] == "Rivalis"
    assert body["top_competitors"]["series"][0]["counts"] == [1]


def test_a_replaced_attachment_is_deleted_from_storage_after_commit(
    personas, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from cordee.feedback.services import feedback_attach

    item = raise_item(personas)
    actor = personas.actor("bob")
    with django_capture_on_commit_callbacks(execute=True):
        feedback_attach(
            actor=actor, item_id=item.pk, attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.7 a")
        )
    first = FeedbackItem.objects.get(pk=item.pk).attachment.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        feedback_attach(
            actor=actor, item_id=item.pk, attachment=SimpleUploadedFile("b.pdf", b"%PDF-1.7 b")
        )
    second = FeedbackItem.objects.get(pk=item.pk).attachment.name
    assert default_storage.exists(first)  # not before the commit: a rollback still points at it
    for callback in callbacks:
        callback()
    assert not default_storage.exists(first)
    assert default_storage.open(second).read() == b"%PDF-1.7 b"

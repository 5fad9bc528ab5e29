from django.urls import reverse

from tests.factories import PASSWORD


def test_anonymous_user_is_sent_to_log_in(client, db):
    response = client.get(reverse("appraisals:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_then_home_lists_visible_appraisals(client, personas):
    response = client.post(reverse("login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("appraisals:home"))
    assert response.status_code == 200
    assert personas.appraisal.title in response.text


def test_wrong_password_is_refused_with_a_message(client, personas):
    response = client.post(reverse("login"), {"login": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_is_by_post_only(client, personas):
    client.force_login(personas.officer)
    # A GET only asks to confirm (a link or a prefetch cannot sign anyone out).
    assert client.get(reverse("logout")).status_code == 200
    assert "_auth_user_id" in client.session
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_partner_sees_the_appraisal_and_outsider_does_not(client, personas):
    client.force_login(personas.partner_officer)
    assert personas.appraisal.title in client.get(reverse("appraisals:home")).text
    client.force_login(personas.outsider)
    assert personas.appraisal.title not in client.get(reverse("appraisals:home")).text

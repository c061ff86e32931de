def test_demo_full_seeds_and_pages_render(demo_full, client):
    from referrals.models import ChildCase, Referral

    assert ChildCase.objects.count() == 4
    assert Referral.objects.filter(overdue_raised_at__isnull=False).count() == 1
    client.force_login(demo_full["users"]["pendamping_jago"])
    r = client.get("/cases/")
    assert r.status_code == 200, r.content
    case = ChildCase.objects.get(child_name="Lalu Muhammad Rizki")
    assert client.get(f"/cases/{case.code}/").status_code == 200
    ref = case.referrals.get()
    assert client.get(f"/cases/referrals/{ref.pk}/").status_code == 200
    assert client.get(f"/cases/referrals/{ref.pk}/letter/").status_code == 200
    assert client.get(f"/cases/{case.code}/audit/").status_code == 200
    assert client.get(f"/cases/{case.code}/referrals/new/?service=kia").status_code == 200
    assert client.get(f"/cases/{case.code}/consents/new/").status_code == 200
    assert client.get("/cases/new/").status_code == 200
    client.force_login(demo_full["users"]["dukcapil_loteng_1"])
    assert client.get("/cases/inbox/").status_code == 200
    assert client.get(f"/cases/referrals/{ref.pk}/").status_code == 200

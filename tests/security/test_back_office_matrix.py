"""The back office's permission matrix: every admin URL pattern the project registers (discovered from the URL
resolver, so a new viewset or a new Wagtail view cannot escape it) × every role × an object inside and one
outside the coordinator's subtree.

For each pattern the table builds concrete URLs (its key arguments filled with an object inside NTB, province 52,
and one in Bali, 51), GETs and POSTs them as each role, and asserts:
- nobody without back-office access reaches any of it (anonymous, member, facilitator, case worker, liaisons);
- outside the coordinator's subtree every Pelita view answers 404 and a POST changes nothing;
- Pelita's viewsets are not reachable by communications staff, and Wagtail's user, group, site, locale,
  workflow and collection screens are not reachable by coordinators;
- no POST by a role that may not write there changes Pelita's data (areas, agencies, roles, liaisons, guardian
  grants, people, cases, forums), and nothing answers 5xx.
Kept and refused writes of the scoping rule (docs: portal/core/backoffice.py) follow as focused tests."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.agencies.models import Agency, Service
from portal.areas.models import Area, Level
from portal.audit.models import AuditEntry
from portal.people.models import Membership
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db

NO_ACCESS_ROLES = ["member", "facilitator", "case_worker", "liaison"]
ROLE_USERS = {
    "member": "kader_jago",
    "facilitator": "fasilitator_jago",
    "case_worker": "pendamping_jago",
    "liaison": "dukcapil_loteng_1",
    "editor": "editor",
    "moderator": "moderator",
    "coordinator": "koordinator_ntb",
}
# Pages anyone may open: the admin's own login and password-reset screens (and its 404 catch-all).
PUBLIC_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}
# Wagtail screens no coordinator and no communications officer may use (accounts, roles, site set-up).
STAFF_ONLY_PREFIXES = (
    "wagtailusers_users:",
    "wagtailusers_groups:",
    "wagtailsites:",
    "wagtaillocales:",
    "wagtailadmin_workflows:",
    "wagtailadmin_collections:",
)
# Wagtail's pickers of workflow tasks, used inside the page editor: they list task names only; choosing is
# not changing (a POST that would create one is caught by the fingerprint).
PICKERS = {
    "wagtailadmin_workflows:task_chooser",
    "wagtailadmin_workflows:task_chooser_results",
    "wagtailadmin_workflows:task_chooser_create",
    "wagtailadmin_workflows:task_chosen",
}
# Screens about one's own account: writing there is the person's right.
OWN_ACCOUNT_PREFIXES = ("wagtailadmin_account", "wagtailadmin_editing_sessions:")
PELITA_PREFIXES = ("pelita_",)


def admin_patterns():
    """(route with converters, full URL name) of every URL under /admin/, from the resolver."""
    found = []

    def walk(resolver, prefix, namespaces):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                walk(
                    item,
                    prefix + str(item.pattern),
                    namespaces + ([item.namespace] if item.namespace else []),
                )
            elif isinstance(item, URLPattern):
                found.append((prefix + str(item.pattern), ":".join([*namespaces, item.name or ""])))

    walk(get_resolver(), "", [])
    return [(route, name) for route, name in found if route.startswith("admin/")]


@pytest.fixture
def office(demo_full):
    """The demo plus, in Bali (51), a dusun, an agency and a role: the coordinator of NTB's "outside"."""
    from portal.agencies.services import agency_create
    from portal.areas.services import hamlet_create
    from portal.people.services import membership_add

    demo = demo_full
    users = dict(demo["users"])
    bali_village = Area.objects.filter(code__startswith="51.", level=Level.VILLAGE).order_by("code").first()
    bali_hamlet = hamlet_create(village=bali_village, name="Banjar Uji")
    bali_agency = agency_create(
        name="Dinas Dukcapil Kab. Uji Bali",
        kind="dukcapil",
        area=bali_village.parent.parent,
        services=list(Service.objects.filter(slug="akta-kelahiran")),
    )
    bali_member = make_member(bali_hamlet, username="anggota_bali")
    bali_role = Membership.objects.get(user=bali_member)
    users["koordinator_bali"] = make_user("koordinator_bali")
    membership_add(user=users["koordinator_bali"], area=Area.objects.get(code="51"), role="koordinator")
    jago_hamlet = demo["hamlets"]["52.02.01.2013"][0]
    inside = {
        "area": Area.objects.get(code="52.02.01.2013"),
        "hamlet": jago_hamlet,
        "agency": demo["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"],
        "role": Membership.objects.filter(user=users["kader_jago"]).first(),
        "person": users["kader_jago"],
    }
    outside = {
        "area": bali_village,
        "province": Area.objects.get(code="51"),
        "hamlet": bali_hamlet,
        "agency": bali_agency,
        "role": bali_role,
        "person": bali_member,
    }
    # Usage screens list what refers to an object: index the roles, so those screens have rows to link.
    from wagtail.models import ReferenceIndex

    for membership in Membership.objects.all():
        ReferenceIndex.create_or_update_for_object(membership)
    return {**demo, "users": users, "inside": inside, "outside": outside}


def fingerprint(office) -> tuple:
    """What no refused POST may change: row counts of Pelita's data and the state of the test's objects."""
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from wagtail.models import Collection, Locale, Site, Task, Workflow

    from forums.models import Post, Thread
    from referrals.models import ChildCase, Referral

    models = (
        Area,
        Agency,
        Service,
        Membership,
        get_user_model(),
        Group,
        UserObjectPermission,
        GroupObjectPermission,
        ChildCase,
        Referral,
        Thread,
        Post,
        Site,
        Locale,
        Collection,
        Task,
        Workflow,
    )
    # One query for all the counts (the table makes thousands of requests).
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {m._meta.db_table})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    liaisons = tuple(
        Group.objects.filter(agency__isnull=False).values_list("pk", "user__pk").order_by("pk", "user__pk")
    )
    objects = []
    for side in ("inside", "outside"):
        for obj in office[side].values():
            row = type(obj).objects.filter(pk=obj.pk).values().first()
            objects.append(tuple(row.items()) if row else None)
    services = tuple(Service.objects.values_list("slug", "child_protection", "name_id").order_by("slug"))
    return counts, liaisons, tuple(objects), services


MODEL_OF_NAMESPACE = {
    "pelita_areas": ("area", "hamlet", "province"),
    "pelita_agencies": ("agency",),
    "pelita_roles": ("role",),
    "pelita_people_chooser": ("person",),
}


def concrete_urls(route: str, name: str, office) -> list[tuple[str, str]]:
    """[(label, url)] for a route: each key argument filled with an object inside and one outside the NTB
    coordinator's subtree where the route names a Pelita object, else with a sensible existing object."""
    from wagtail.models import Collection, Locale, Page, Site, Workflow

    home = Page.objects.filter(depth=2).first()
    fill = {
        "page_id": home.pk,
        "parent_page_id": home.pk,
        "page_to_move_id": home.pk,
        "destination_id": home.pk,
        "page_pk": home.pk,
        "collection_id": Collection.get_first_root_node().pk,
        "app_label": "people",
        "app_name": "people",
        "model_name": "user",
        "content_type_app_name": "cms",
        "content_type_model_name": "storypage",
        "action": "delete",
        "action_name": "approve",
        "filter_spec": "original",
        "uidb64": "MQ",
        "token": "x-x",
    }
    pk_of = {
        "wagtailusers_users": get_user_model().objects.get(username="admin").pk,
        "wagtailusers_groups": Group.objects.get(name="Coordinators").pk,
        "wagtailsites": Site.objects.first().pk,
        "wagtaillocales": Locale.objects.first().pk,
        "wagtailadmin_workflows": (Workflow.objects.first().pk if Workflow.objects.exists() else 1),
        "wagtailadmin_collections": Collection.get_first_root_node().pk,
    }
    route = route.replace("^", "").replace("$", "")
    namespace = name.split(":", 1)[0]
    if re.search(r"\(\?P<", route):  # the one regex route: revisions compare
        route = re.sub(r"\(\?P<pk>[^)]*\)", str(home.pk), route)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "latest", route).replace("\\.", ".")
        return [("", "/" + route)]
    if ".*" in route:
        return [("", "/admin/no-such-page/")]
    keys = MODEL_OF_NAMESPACE.get(namespace)
    if keys and "<" in route:
        urls = []
        for side in ("inside", "outside"):
            for key in keys:
                if key in office[side]:
                    pk = office[side][key].pk
                    urls.append((f"{side}:{key}", "/" + re.sub(r"<(?:\w+:)?pk>", str(pk), route)))
        return urls

    def value(match):
        key = match.group(1)
        if key == "pk":
            return str(pk_of.get(namespace, 1))
        return str(fill.get(key, 1))

    return [("", "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route))]


HOSTILE_POST = {
    "parent": "",
    "name": "Diubah penyerang",
    "user": "",
    "area": "51",
    "role": "koordinator",
    "kind": "dukcapil",
    "is_active": "on",
    "child_protection": "on",
    "slug": "akta-kelahiran",
    "name_id": "Diubah",
    "name_en": "Changed",
    "completion_days": "1",
    "position": "0",
    "add_liaison": "",
}


def _refused(response) -> bool:
    # Wagtail answers a refusal with a redirect (to the login or to the admin home), Pelita with 403/404.
    return response.status_code in (301, 302, 400, 403, 404, 405)


@pytest.fixture
def clients(office):
    # A crash is answered as the 500 page, not raised: this table checks refusals; 5xx of Wagtail's own views
    # under hostile input are the hostile-input harness's (tests/security/test_hostile_input.py), Pelita's here.
    out = {"anonymous": Client(raise_request_exception=False)}
    for role, username in ROLE_USERS.items():
        client = Client(raise_request_exception=False)
        client.force_login(office["users"][username])
        out[role] = client
    return out


def test_every_admin_url_is_scoped_for_every_role(office, clients):
    patterns = admin_patterns()
    assert len(patterns) > 150  # the resolver really was walked
    assert any(name.startswith("pelita_areas:") for _r, name in patterns)
    users = office["users"]
    HOSTILE_POST["user"] = str(users["koordinator_ntb"].pk)
    HOSTILE_POST["add_liaison"] = str(users["koordinator_ntb"].pk)
    failures = []
    checked = 0
    for route, name in patterns:
        if name.split(":")[-1] in PUBLIC_NAMES or name in PUBLIC_NAMES:
            continue
        for label, url in concrete_urls(route, name, office):
            for role, client in clients.items():
                own_account = name.startswith(OWN_ACCOUNT_PREFIXES)
                before = fingerprint(office)
                got = client.get(url)
                checked += 1
                pelita = name.startswith(PELITA_PREFIXES)
                if got.status_code >= 500 and pelita:
                    failures.append(f"{role} GET {url} ({name}) → {got.status_code}")
                refused = _refused(got)
                if role in ("anonymous", *NO_ACCESS_ROLES) and not refused:
                    failures.append(f"{role} reached GET {url} ({name}): {got.status_code}")
                if label.startswith("outside") and role == "coordinator" and got.status_code != 404:
                    failures.append(f"coordinator GET outside {url} ({name}) → {got.status_code}, not 404")
                if name.startswith(PELITA_PREFIXES) and role in ("editor", "moderator") and not refused:
                    failures.append(f"{role} reached {url} ({name}): {got.status_code}")
                if (
                    name.startswith(STAFF_ONLY_PREFIXES)
                    and name not in PICKERS
                    and role in ("coordinator", "editor", "moderator")
                    and not refused
                ):
                    failures.append(f"{role} reached {url} ({name}): {got.status_code}")
                if name.startswith("wagtail") and role == "coordinator" and "explore" in name and not refused:
                    failures.append(f"coordinator reached the page tree {url}")
                # Every POST is rolled back after the check, so each request meets the same world (a moderator
                # may delete pages; that must not take the site away from the next row).
                with transaction.atomic():
                    posted = client.post(url, HOSTILE_POST)
                    changed = fingerprint(office) != before
                    transaction.set_rollback(True)
                if posted.status_code >= 500 and pelita:
                    failures.append(f"{role} POST {url} ({name}) → {posted.status_code}")
                # 405 (the view takes no POST) says nothing about the object either.
                if (
                    label.startswith("outside")
                    and role == "coordinator"
                    and posted.status_code not in (404, 405)
                ):
                    failures.append(
                        f"coordinator POST outside {url} ({name}) → {posted.status_code}, not 404"
                    )
                may_write = (
                    own_account
                    or (role in ("editor", "moderator") and not pelita)
                    or (role == "coordinator" and pelita and label.startswith("inside"))
                )
                if changed and not may_write:
                    failures.append(f"{role} POST {url} ({name}) changed Pelita's data")
    assert checked > 1000
    assert not failures, "\n".join(failures[:60])


def test_the_coordinator_reaches_what_lies_inside(office, clients):
    inside = office["inside"]
    client = clients["coordinator"]
    for url in (
        "/admin/pelita_areas/",
        f"/admin/pelita_areas/inspect/{inside['area'].pk}/",
        f"/admin/pelita_areas/edit/{inside['hamlet'].pk}/",
        f"/admin/pelita_areas/history/{inside['hamlet'].pk}/",
        "/admin/pelita_agencies/",
        f"/admin/pelita_agencies/edit/{inside['agency'].pk}/",
        f"/admin/pelita_agencies/inspect/{inside['agency'].pk}/",
        f"/admin/pelita_roles/delete/{inside['role'].pk}/",
        "/admin/pelita_services/",
        f"/admin/pelita/people-chooser/chosen/{inside['person'].pk}/",
    ):
        assert client.get(url).status_code == 200, url
    # The official tree is read-only: a desa inside the subtree has no edit or delete screen.
    for view in ("edit", "delete"):
        assert client.get(f"/admin/pelita_areas/{view}/{inside['area'].pk}/").status_code == 404
    # Roles are never edited or copied in place.
    assert client.get(f"/admin/pelita_roles/edit/{inside['role'].pk}/").status_code == 404
    assert client.get(f"/admin/pelita_roles/copy/{inside['role'].pk}/").status_code == 404


def test_lists_and_pickers_hold_only_the_subtree(office, clients):
    client = clients["coordinator"]
    outside = office["outside"]
    assert outside["agency"].name not in client.get("/admin/pelita_agencies/").content.decode()
    assert "anggota_bali" not in client.get("/admin/pelita_roles/").content.decode()
    assert "Banjar Uji" not in client.get("/admin/pelita_areas/?q=Banjar").content.decode()
    picker = client.get("/admin/pelita/people-chooser/?q=anggota").content.decode()
    assert "anggota_bali" not in picker
    assert "kader_jago" in client.get("/admin/pelita/people-chooser/?q=kader").content.decode()
    listed = client.get("/admin/pelita/people-chooser/results/").content.decode()
    assert "anggota_bali" not in listed and "koordinator_bali" not in listed
    exported = client.get("/admin/pelita_roles/?export=csv")
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert b"anggota_bali" not in body
    chosen = client.get(f"/admin/pelita/people-chooser/chosen-multiple/?id={outside['person'].pk}")
    assert b"anggota_bali" not in chosen.content


def test_an_edit_cannot_orphan_or_move_out(office, clients):
    client = clients["coordinator"]
    hamlet = office["inside"]["hamlet"]
    before = fingerprint(office)
    # Empty parent: a form error, nothing saved.
    response = client.post(f"/admin/pelita_areas/edit/{hamlet.pk}/", {"parent": "", "name": hamlet.name})
    assert response.status_code == 200
    # A desa in Bali: a form error, nothing saved.
    response = client.post(
        f"/admin/pelita_areas/edit/{hamlet.pk}/", {"parent": office["outside"]["area"].code, "name": "X"}
    )
    assert response.status_code == 200
    assert "desa" in response.content.decode().lower()
    agency = office["inside"]["agency"]
    response = client.post(
        f"/admin/pelita_agencies/edit/{agency.pk}/",
        {
            "name": agency.name,
            "kind": agency.kind,
            "area": office["outside"]["province"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert fingerprint(office) == before


def test_a_dusun_is_renamed_and_moved_within_the_subtree(office, clients):
    client = clients["coordinator"]
    hamlet = office["inside"]["hamlet"]
    response = client.post(
        f"/admin/pelita_areas/edit/{hamlet.pk}/", {"parent": "52.02.06.2001", "name": "Dusun Pindahan"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hamlet.refresh_from_db()
    assert hamlet.parent.code == "52.02.06.2001" and hamlet.name == "Dusun Pindahan"
    assert hamlet.code.startswith("52.02.06.2001.")
    assert AuditEntry.objects.filter(action="area.hamlet_update", object_id=str(hamlet.pk)).exists()


@pytest.mark.parametrize(
    "who",
    ["himself", "editor", "facilitator_above", "bali_person"],
)
def test_liaison_appointments_refused(office, clients, who):
    from portal.people.services import membership_add

    users = office["users"]
    agency = office["inside"]["agency"]
    person = {
        "himself": users["koordinator_ntb"],
        "editor": users["editor"],
        "facilitator_above": make_member(
            Area.objects.get(code="52.02"), role="fasilitator", username="fas_kab"
        ),
        "bali_person": office["outside"]["person"],
    }[who]
    if who == "facilitator_above":
        membership_add(user=person, area=Area.objects.get(code="52.02"), role="fasilitator")
    before = fingerprint(office)
    response = clients["coordinator"].post(
        f"/admin/pelita_agencies/edit/{agency.pk}/",
        {
            "name": agency.name,
            "kind": agency.kind,
            "area": agency.area.pk,
            "services": [s.pk for s in agency.services.all()],
            "is_active": "on",
            "add_liaison": person.pk,
        },
    )
    assert response.status_code == 200, response.status_code
    assert not agency.group.user_set.filter(pk=person.pk).exists()
    assert fingerprint(office) == before


def test_a_liaison_appointment_is_audited_and_told(office, clients):
    from portal.notifications.models import Notification

    users = office["users"]
    agency = office["inside"]["agency"]
    newcomer = make_member(office["inside"]["hamlet"], username="staf_dukcapil")
    response = clients["coordinator"].post(
        f"/admin/pelita_agencies/edit/{agency.pk}/",
        {
            "name": agency.name,
            "kind": agency.kind,
            "area": agency.area.pk,
            "services": [s.pk for s in agency.services.all()],
            "is_active": "on",
            "add_liaison": newcomer.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert agency.group.user_set.filter(pk=newcomer.pk).exists()
    assert AuditEntry.objects.filter(action="agency.liaison_add", actor=users["koordinator_ntb"]).exists()
    told = set(
        Notification.objects.filter(kind="agency.liaison_added").values_list("recipient__username", flat=True)
    )
    assert {"staf_dukcapil", "dukcapil_loteng_1", "dukcapil_loteng_2"} <= told
    response = clients["coordinator"].post(
        f"/admin/pelita_agencies/edit/{agency.pk}/",
        {
            "name": agency.name,
            "kind": agency.kind,
            "area": agency.area.pk,
            "services": [s.pk for s in agency.services.all()],
            "is_active": "on",
            "remove_liaisons": [newcomer.pk],
        },
    )
    assert response.status_code == 302
    assert not agency.group.user_set.filter(pk=newcomer.pk).exists()
    assert AuditEntry.objects.filter(action="agency.liaison_remove").exists()
    assert Notification.objects.filter(kind="agency.liaison_removed", recipient=newcomer).exists()


def test_the_service_catalogue_is_for_superusers_and_its_flag_is_audited(office, clients):
    service = Service.objects.get(slug="akta-kelahiran")
    form = {
        "slug": service.slug,
        "name_id": service.name_id,
        "name_en": service.name_en,
        "need_id": service.need_id,
        "need_en": service.need_en,
        "completion_days": service.completion_days,
        "child_protection": "on",
        "position": service.position,
    }
    clients["coordinator"].post(f"/admin/pelita_services/edit/{service.pk}/", form)
    service.refresh_from_db()
    assert not service.child_protection
    admin = Client()
    admin.force_login(office["users"]["admin"])
    response = admin.post(f"/admin/pelita_services/edit/{service.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.child_protection
    entry = AuditEntry.objects.get(action="service.child_protection")
    assert entry.detail == {"from": False, "to": True, "slug": "akta-kelahiran"}


def test_removing_a_role_in_the_back_office_revokes_at_once(office, clients):
    """The role goes through membership_remove: the forum grant ends and the removal is audited."""
    from forums.permissions import VIEW
    from forums.selectors import forum_get  # noqa: F401 - the forum exists in the demo

    member = office["users"]["kader_jago"]
    role = Membership.objects.filter(user=member, area=office["inside"]["area"]).first()
    assert role is not None
    response = clients["coordinator"].post(f"/admin/pelita_roles/delete/{role.pk}/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=role.pk).exists()
    assert AuditEntry.objects.filter(action="membership.remove").exists()
    member = get_user_model().objects.get(pk=member.pk)
    from forums.models import Forum

    forum = Forum.objects.get(area=office["inside"]["area"])
    assert not member.has_perm(VIEW, forum)

from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.index, name="index"),
    path("a/<str:code>/", views.area, name="area"),
    path("a/<str:code>/card/", views.card, name="card"),
    path("a/<str:code>/export.<str:fmt>", views.export, name="export"),
    path("a/<str:code>/lines/new/", views.line_new, name="line_new"),
    path("a/<str:code>/policies/new/", views.policy_new, name="policy_new"),
    path("a/<str:code>/import/", views.import_upload, name="import"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
    path("lines/<int:pk>/evidence/", views.evidence_new, name="evidence_new"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/action/", views.policy_action, name="policy_action"),
    path("policies/<int:pk>/document/", views.policy_document, name="policy_document"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
]

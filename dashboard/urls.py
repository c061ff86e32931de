from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("overdue/", views.overdue, name="overdue"),
    path("my-cases/", views.cases_page, name="cases"),
    path("my-cases/export.<str:fmt>", views.cases_export, name="cases_export"),
    path("public/", views.public, name="public"),
]

from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("<str:code>/", views.browse, name="detail"),
    path("<str:code>/dusun/new/", views.hamlet_new, name="hamlet_new"),
]

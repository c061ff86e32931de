from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "portal.agencies"
    label = "agencies"

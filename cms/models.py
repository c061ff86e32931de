"""The public site: a home page per language, the stories, resources (policy documents) and standard pages.

The tree, per locale (Bahasa Indonesia is the default, English its translation):

    HomePage
    ├── StoryIndexPage ── StoryPage ...
    ├── StandardPage (about, privacy notice, contact) ── StandardPage / ResourcePage ...
    └── ResourcePage ...
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import CASE_REFERENCE_MESSAGE, BaseStreamBlock, contains_case_reference
from .choosers import area_chooser_viewset

STORY_AREA_LEVELS = ["regency", "district", "village"]  # kabupaten, kecamatan, desa

MAIN_IMAGE_CONSENT_MESSAGE = _(
    "The main image shows a child: confirm that the caregiver's consent to publish it is recorded, or choose "
    "another image."
)


class Theme(models.Model):
    """What a story is about. A fixed list (THEMES), named in the reader's language by gettext."""

    BIRTH_REGISTRATION = "birth-registration"
    EDUCATION = "education"
    HEALTH_INSURANCE = "health-insurance"
    SOCIAL_ASSISTANCE = "social-assistance"
    COMMUNITY_PARENTING = "community-parenting"
    CHILD_PROTECTION = "child-protection"
    VILLAGE_FUNDS = "village-funds"
    LABELS = {
        BIRTH_REGISTRATION: _("Birth registration"),
        EDUCATION: _("Education"),
        HEALTH_INSURANCE: _("Health insurance"),
        SOCIAL_ASSISTANCE: _("Social assistance"),
        COMMUNITY_PARENTING: _("Community parenting"),
        CHILD_PROTECTION: _("Child protection"),
        VILLAGE_FUNDS: _("Village funds and policy"),
    }

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return str(self.LABELS.get(self.slug, self.slug))

    @property
    def label(self) -> str:
        return str(self)


def _field_text(page, name) -> str:
    """A field's text as stored: a StreamField as its JSON (every block's text, captions and links included)."""
    import json

    value = getattr(page, name, "") or ""
    if hasattr(value, "raw_data"):
        return json.dumps(list(value.raw_data), ensure_ascii=False, default=str)
    return str(value)


def _check_no_case_reference(page, field_names):
    errors = {}
    for name in field_names:
        if contains_case_reference(_field_text(page, name)):
            errors[name] = ValidationError(CASE_REFERENCE_MESSAGE, code="case_reference")
    if errors:
        raise ValidationError(errors)


class SeoMixin:
    """What every public page needs: rendered in its own language whatever the visitor's cookie says (an
    Indonesian page at /cerita/... is Indonesian throughout), a description and an image for link previews."""

    def serve(self, request, *args, **kwargs):
        language = self.locale.language_code
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = super().serve(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response.headers["Content-Language"] = language
        return response

    def seo_description(self) -> str:
        return self.search_description or getattr(self, "summary", "") or ""

    def seo_image(self):
        return None


class HomePage(SeoMixin, Page):
    intro = models.CharField(
        _("introduction"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences under the title: what Pelita does."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("what the programme does"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StoryIndexPage", "cms.StandardPage", "cms.ResourcePage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest_stories"] = selectors.latest_stories(locale=self.locale, limit=3)
        context["story_index"] = StoryIndexPage.objects.live().child_of(self).first()
        context["key_figures"] = selectors.public_key_figures()
        context["links"] = selectors.home_links(user=request.user)
        return context


class StoryIndexPage(SeoMixin, Page):
    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StoryPage"]
    max_count_per_parent = 1
    per_page = 10

    class Meta:
        verbose_name = _("story index")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        filters = selectors.StoryFilters.from_query(request.GET)
        stories = selectors.story_list(index_page=self, filters=filters)
        paginator = Paginator(stories, self.per_page)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        context.update(
            {
                "filters": filters,
                "stories": page_obj,
                "themes": Theme.objects.all(),
                "kabupaten_choices": selectors.story_kabupaten(index_page=self),
            }
        )
        return context


class AreaSerializer(serializers.Field):
    def to_representation(self, value):
        return {"code": value.code, "name": value.display_name, "level": value.level}


class ThemesSerializer(serializers.Field):
    def to_representation(self, value):
        return [{"slug": t.slug, "name": t.label} for t in value.all()]


class PartnersSerializer(serializers.Field):
    def to_representation(self, value):
        return [{"name": p.name, "url": p.url} for p in value.all()]


class StoryPage(SeoMixin, Page):
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences for lists, feeds and link previews."),
    )
    date = models.DateField(_("story date"), default=timezone.localdate)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": STORY_AREA_LEVELS},
        help_text=_("The kabupaten, kecamatan or desa where this happened."),
    )
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="stories")
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in lists and link previews. Never a photo of a child without recorded consent."),
    )
    image_alt = models.CharField(_("main image alternative text"), max_length=200, blank=True)
    image_shows_child = models.BooleanField(
        _("The main image shows a child"),
        default=False,
        help_text=_("Tick if a child can be seen or recognised in the image."),
    )
    image_consent_recorded = models.BooleanField(
        _("The caregiver's written consent to publish the main image is recorded"),
        default=False,
        help_text=_("Required when the image shows a child. Keep the signed form in the programme office."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("date"),
        FieldPanel("area", widget=area_chooser_viewset.widget_class),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("image"),
                FieldPanel("image_alt"),
                FieldPanel("image_shows_child"),
                FieldPanel("image_consent_recorded"),
            ],
            heading=_("Main image"),
        ),
        FieldPanel("body"),
        InlinePanel("partners", label=_("Partner organisations")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("area"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("date"),
        APIField("area", serializer=AreaSerializer()),
        APIField("themes", serializer=ThemesSerializer()),
        APIField("partners", serializer=PartnersSerializer()),
        APIField("body"),
    ]

    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [models.Index(fields=["date"])]

    def clean(self):
        super().clean()
        _check_no_case_reference(
            self, ["title", "summary", "image_alt", "search_description", "seo_title", "body"]
        )
        if self.area_id and self.area.level not in STORY_AREA_LEVELS:
            raise ValidationError({"area": _("Choose a kabupaten, kecamatan or desa.")})
        if self.image_id and not self.image_alt:
            raise ValidationError({"image_alt": _("Describe the main image for people who cannot see it.")})
        if self.image_id and self.image_shows_child and not self.image_consent_recorded:
            raise ValidationError({"image_consent_recorded": MAIN_IMAGE_CONSENT_MESSAGE})

    def seo_image(self):
        return self.image

    @cached_property
    def theme_list(self):
        return list(self.themes.all())


class StoryPartner(Orderable):
    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("organisation"), max_length=150)
    url = models.URLField(_("web address"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name


class StandardPage(SeoMixin, Page):
    """About, privacy notice, contact: text pages that may group other pages (resources) below them."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.ResourcePage"]

    class Meta:
        verbose_name = _("standard page")

    def seo_description(self) -> str:
        return self.search_description or self.intro

    def clean(self):
        super().clean()
        _check_no_case_reference(self, ["title", "intro", "search_description", "seo_title", "body"])


class ResourcePage(SeoMixin, Page):
    """A policy document (a circular letter, a village regulation): what it says, in plain words, and the file."""

    summary = models.CharField(_("summary"), max_length=300)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("issued_by"), FieldPanel("reference"), FieldPanel("issued_on")],
            heading=_("About the document"),
        ),
        FieldPanel("document"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("reference"),
        index.SearchField("body"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("issued_by"),
        APIField("reference"),
        APIField("issued_on"),
        APIField("document"),
        APIField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("resource")

    def clean(self):
        super().clean()
        _check_no_case_reference(self, ["title", "summary", "search_description", "seo_title", "body"])

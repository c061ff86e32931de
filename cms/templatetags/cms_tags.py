from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_translations(context, page):
    """The page in every site language (see selectors.translation_links), computed once per page render."""
    from cms.selectors import translation_links

    cached = getattr(page, "_cms_translation_links", None)
    if cached is None:
        cached = translation_links(page=page, request=context.get("request"))
        page._cms_translation_links = cached
    return cached


@register.simple_tag(takes_context=True)
def footer_links(context, page):
    """About, privacy notice, contact...: the standard pages right under the home page of the page's language."""
    from cms.models import StandardPage

    cached = getattr(page, "_cms_footer_links", None)
    if cached is None:
        request = context.get("request")
        cached = [
            {"url": p.get_url(request=request), "title": p.title}
            for p in StandardPage.objects.live()
            .public()
            .filter(depth=3, locale_id=page.locale_id)
            .order_by("path")
        ]
        page._cms_footer_links = cached
    return cached


@register.simple_tag(takes_context=True)
def absolute_page_url(context, page):
    from cms.selectors import absolute_url

    request = context.get("request")
    return absolute_url(request, page.get_url(request=request))

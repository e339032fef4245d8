"""The site's own chrome, written by the core as HTML: the footer of every page.

The theme's partial (templates/partials/footer.html) holds only a marker, :data:`FOOTER_MARKER`;
the adapter puts :meth:`Footer.html` in its place, with links relative to the page (or from the
site's root path on the 404 page, which is served at any address).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from .catalogue import Catalogue
from .safehtml import escape
from .settings import NETWORK_EMAIL, SiteSettings
from .urls import absolute, rel

FOOTER_MARKER = "<!-- cln:footer -->"
CODE_LICENCE = "The site's software is open source under the MIT licence."

#: Hand-written pages the footer links to when the site has them: (source in docs/, address, text).
PAGES = (
    ("privacy.md", "privacy/", "Privacy notice"),
    ("accessibility.md", "accessibility/", "Accessibility statement"),
    ("contribute.md", "contribute/", "Share a case study"),
)


@dataclass(frozen=True)
class Footer:
    """What the footer shows: made once a build, written for each page."""

    site: SiteSettings
    copyright: str  # the site's copyright and licence line, as the deployer wrote it (plain text)
    pages: tuple[tuple[str, str], ...]  # (address, text) of the hand-written pages that exist
    podcast: bool  # whether the site has a podcast feed
    email: str = NETWORK_EMAIL

    @classmethod
    def make(cls, site: SiteSettings, catalogue: Catalogue, docs_dir: str, copyright: str = "") -> Footer:
        """The footer for a site whose hand-written pages are in ``docs_dir``."""
        pages = tuple((url, text) for src, url, text in PAGES if os.path.isfile(os.path.join(docs_dir, src)))
        return cls(site, " ".join((copyright or "").split()), pages, bool(catalogue.episodes))

    def html(self, here: str | None) -> str:
        """The footer's HTML for the page at ``here`` (site-relative), or with absolute links (None)."""
        def link(uri: str) -> str:
            if here is None:  # from the site's root path: right at any address, on any host
                return escape(urlsplit(absolute(self.site.site_url, uri)).path)
            return escape(rel(here, uri))

        about = "".join(f'<li><a href="{link(url)}">{escape(text)}</a></li>' for url, text in self.pages)
        feeds = [f'<li><a href="{link("case-studies/feed.xml")}" type="application/atom+xml">'
                 "Case studies feed (Atom)</a></li>"]
        if self.podcast:
            feeds.append(f'<li><a href="{link("podcast/feed.xml")}" type="application/rss+xml">'
                         "Podcast feed (for podcast apps)</a></li>")
        feeds.append(f'<li><a href="{link("topics/")}">A feed for each topic</a></li>')
        mail = escape(self.email)
        licence = " ".join(x for x in (self.copyright, CODE_LICENCE) if x)
        return (
            '<div class="cln-footer md-grid">'
            '<div class="cln-footer__groups">'
            '<section class="cln-footer__group" aria-labelledby="cln-footer-contact">'
            '<h2 class="cln-footer__heading" id="cln-footer-contact">Contact</h2>'
            f'<p>Email the network at <a href="mailto:{mail}">{mail}</a></p></section>'
            + ('<section class="cln-footer__group" aria-labelledby="cln-footer-site">'
               '<h2 class="cln-footer__heading" id="cln-footer-site">About this site</h2>'
               f'<ul class="cln-footer__links">{about}</ul></section>' if about else "")
            + '<section class="cln-footer__group" aria-labelledby="cln-footer-feeds">'
            '<h2 class="cln-footer__heading" id="cln-footer-feeds">Follow</h2>'
            f'<ul class="cln-footer__links">{"".join(feeds)}</ul></section>'
            "</div>"
            f'<p class="cln-footer__licence">{escape(licence)}</p>'
            "</div>"
        )

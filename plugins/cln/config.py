"""The plugin's options in mkdocs.yml, as MkDocs Config classes made from settings.ShowSettings."""

from __future__ import annotations

import dataclasses
import typing

from mkdocs.config import base
from mkdocs.config import config_options as c

from .settings import NETWORK_EMAIL, ShowSettings


def _option(name: str, hint: typing.Any, default: typing.Any) -> c.BaseConfigOption:
    """The MkDocs option for one field of a settings dataclass."""
    if typing.get_origin(hint) is typing.Literal:
        return c.Choice(typing.get_args(hint), default=default)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if args:  # X | None
        return c.Optional(c.Type(args[0]))
    return c.Type(hint, default=default)


def _config_class(settings: type, doc: str) -> type[base.Config]:
    hints = typing.get_type_hints(settings)
    options = {f.name: _option(f.name, hints[f.name], f.default) for f in dataclasses.fields(settings)
               if f.metadata.get("option", True)}
    return type(f"{settings.__name__}Config", (base.Config,), {"__doc__": doc, **options})


PodcastConfig = _config_class(ShowSettings, "``plugins: - cln: podcast: ...``: what the show says about itself.")


class ClnConfig(base.Config):
    """The plugin's options."""

    podcast = c.SubConfig(PodcastConfig)
    media_base_url = c.Type(str, default="")
    media_dir = c.Type(str, default="site-media")
    network_emails = c.ListOfItems(c.Type(str), default=[NETWORK_EMAIL])
    cache_dir = c.Type(str, default=".cache/cln")


def show_settings(options: base.Config) -> ShowSettings:
    """The validated ``podcast:`` options as ShowSettings."""
    return ShowSettings(**dict(options))

"""``micromoments new``: a spec skeleton that passes the checks, for a copywriter to fill in."""

from __future__ import annotations

from .context import Context
from .model import Channel

_COPY = {
    Channel.EMAIL: (
        "## Email\n\nSubject: {title}\nPreheader: Skriv en kort tekst, der fortsætter emnelinjen.\n\n"
        "### {title}\n\nHej {{{{ first_name }}}}. Skriv her, hvad kunden skal vide, og hvad der sker nu.\n"
    ),
    Channel.SMS: "## SMS\n\nHej {{{{ first_name }}}}. Skriv den korte besked her.\n",
    Channel.PUSH: "## Push\n\nTitle: {title}\n\nSkriv en kort besked her.\n",
    Channel.WEB: "## Web\n\nTitle: {title}\n\nSkriv indholdet af siden her.\n",
    Channel.IN_APP: "## In-app\n\nTitle: {title}\n\nSkriv beskeden i appen her.\n",
}


def scaffold(
    moment_id: str,
    *,
    phase: str,
    channels: list[Channel],
    tone: str,
    title: str,
    template: str = "transactional",
) -> str:
    """The text of a new spec with every key present and placeholders to replace."""
    uses_name = any(c in (Channel.EMAIL, Channel.SMS) for c in channels)
    data = (
        "data:\n"
        '  first_name: {type: string, source: CRM, example: Mette, fallback: "", '
        "description: Kundens fornavn}\n"
        if uses_name
        else "data: {}\n"
    )
    email = (
        f"email: {{template: {template}, kind: transactional}}\n"
        if Channel.EMAIL in channels
        else ""
    )
    front = (
        "---\n"
        f"title: {title}\n"
        "summary: Én sætning om, hvad øjeblikket gør, og hvorfor.\n"
        f"phase: {phase}\n"
        "status: idea\n"
        "owner: CX team\n"
        "audiences: []\n"
        "tags: []\n"
        "priority: {impact: 3, effort: 3}\n"
        "feeling: tryghed\n"
        "goals:\n"
        "  customer: Hvad kunden skal vide eller kunne bagefter\n"
        "  business: Hvad forretningen får ud af det\n"
        "trigger:\n"
        "  event: Event Name\n"
        "  source: System\n"
        "  delay: 0m\n"
        "  conditions: []\n"
        f"channels: [{', '.join(c.value for c in channels)}]\n"
        "fallback: []\n"
        f"tone: {tone}\n"
        f"{email}"
        f"{data}"
        "kpis: []\n"
        "---\n\n"
        "Skriv her, hvorfor øjeblikket findes: hvor kunden er, hvad de føler, og hvad de har brug for.\n\n"
    )
    return front + "\n".join(_COPY[c].format(title=title) for c in channels)


def default_tone(ctx: Context) -> str:
    """The first tone profile, for a new spec when none is asked for."""
    return next(iter(ctx.tones), "neutral")

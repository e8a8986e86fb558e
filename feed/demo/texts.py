"""
Everything demo people write: wins (from the ideas, by team and language),
comments on each other's wins, the author's thanks, and the notes of an edit.
"""

from __future__ import annotations

from feed.demo.ideas import Idea
from feed.demo.ideas_en import IDEAS_EN
from feed.demo.ideas_es import IDEAS_ES

# Team -> language -> ideas. Spanish first for every team: the planner shuffles
# each list and the demo highlights match wins against them in this order.
IDEAS: dict[str, dict[str, list[Idea]]] = {
    team: {"es": IDEAS_ES[team], "en": IDEAS_EN[team]} for team in IDEAS_ES
}

COMMENTS: dict[str, list[str]] = {
    "es": [
        "¡Enhorabuena! 👏",
        "Qué buena noticia. ¿Lo contamos en la próxima reunión de equipo?",
        "Esto hay que dejarlo escrito para quien venga detrás.",
        "Gracias por compartirlo, me lo apunto.",
        "¡Muy bien, {author}!",
        "{third}, mira esto: es justo lo que comentábamos.",
        "¿Nos lo enseñas en diez minutos un día de estos?",
        "Me encanta que se vea el trabajo que normalmente no se ve.",
        "Lo he probado y funciona de maravilla.",
        "Esto merece salir en la newsletter.",
        "Orgullo de equipo.",
        "Qué detalle por parte del cliente.",
        "Y sin hacer ruido, como siempre. Gracias.",
        "¡Por muchas más así!",
        "Apuntado para copiarlo en mi equipo.",
        "Gracias también a {third}, que echó una mano al principio.",
        "¿Cuánto tiempo os ha llevado? Pregunto para un amigo.",
        "Qué bien contado.",
        "Esto ahorra horas a mucha gente. Gracias, {author}.",
    ],
    "en": [
        "Congratulations, well deserved!",
        "Love this. Could you show us how in a ten-minute demo?",
        "So good to see this kind of work get noticed.",
        "Saving this for my team, thank you.",
        "{third} this is what we talked about last week!",
        "Nice one, {author}!",
        "That customer note made my day.",
        "Quietly brilliant, as usual.",
        "Worth a spot in the newsletter, if you're up for it.",
        "How long did it take? Asking for a friend.",
        "Well done! Let's make this the new normal.",
        "Thanks for writing it up so clearly.",
        "Big thanks to {third} as well, who helped at the start.",
        "This will save a lot of people a lot of time.",
        "Bookmarked.",
    ],
}
AUTHOR_REPLIES = {
    "es": ["¡Gracias a todos!", "Gracias, de verdad. Fue cosa de todo el equipo."],
    "en": ["Thank you all!", "Thanks, everyone. It really was a team effort."],
}
EDITS = {
    "es": ["Editado: se me olvidó dar las gracias también a {mate}.",
           "Editado: corregida una errata."],
    "en": ["Edit: forgot to thank {mate} as well!",
           "Edit: fixed a typo."],
}  # fmt: skip

"""
Demo wins: eight weeks of a company's small wins, for `manage.py seed_demo`.

The demo people (`feed.demo.people`) post wins in their own language (mostly),
credit coworkers with `@mentions`, tag them with the organisation's values and
topic `#hashtags`, keep some for their team, attach an illustration to about a
third, edit a few, and react to and comment on each other's wins.

Two ways in, one plan. Every win is first *planned* in memory (author, text,
time, credits, reactions, comments, picture) from a seeded `random.Random`, so
the same database gets the same wins. The first `CURATED_WINS` are then posted
through `feed.services` (`win_create`, `win_update`), exactly as the composer
would, with pictures cleaned by `feed.images` and sized by `feed.photos`; any
beyond that (benchmarks: hundreds of thousands) are written with `bulk_create`
in batches, with the same tags and credits but no pictures, and get their
search documents (`feed.search`) batch by batch. Reactions and comments are
bulk-created in both cases and the counters then set from the rows in one
UPDATE each. On PostgreSQL the tables are ANALYZEd at the end.

Idempotency: `seed_wins(count=M)` *tops up* the wins written by demo people
(addresses at the demo domain) to M. It counts them and plans only the missing
ones, so a second run with the same M creates nothing, a larger M adds the
difference, and a bulk seed that was interrupted resumes where its last
committed batch ended. A marker in each win would show in the feed and a
bookkeeping table would need a model for demo data; the count needs neither.
The cost: wins that demo people post by hand count towards M.
"""

from __future__ import annotations

import functools
import math
import random
import re
import unicodedata
import zoneinfo
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from feed import images
from feed.demo.people import DEMO_DOMAIN, DEMO_LOGINS
from feed.models import Comment, Credit, Reaction, Tag, Win
from feed.notifications import notifications_muted
from feed.photos import photo_files
from feed.search import win_search_vector_update
from feed.services import tags_for, win_create, win_update
from feed.text import parse_hashtags, render_body

DEFAULT_WINS = 160
SEED = 2026
WEEKS = 8

# Wins posted one by one through the services, with pictures. Enough for a
# feed that feels lived in; beyond it each win costs a dozen queries, so the
# rest go through the bulk path.
CURATED_WINS = 200
# Wins per INSERT on the bulk path: ~100 round trips for 200,000 wins, while a
# batch of 17-column rows stays under PostgreSQL's 65,535 bind parameters
# (Django splits further for SQLite's lower limit) and each batch commits on
# its own, so an interrupted seed keeps what it wrote and resumes from there.
WIN_BATCH_SIZE = 2000
# Reactions, comments, credits and tag links of one batch: 4 to 6 columns each.
ROW_BATCH_SIZE = 5000

# Pictures are drawn at this size (3:2, like a photo), then stored as the composer
# stores uploads: decoded and cleaned by `feed.images`, made into a display image
# and a thumbnail by `feed.photos`. Larger would only make seeding slower: WebP
# encoding is most of a picture's cost.
DRAWN_SIZE = (1200, 800)
CURATED_IMAGE_SHARE = 0.3


# --------------------------------------------------------------------------
# The organisation's values and what people write
# --------------------------------------------------------------------------
# (name, description in both languages). One name per value, in the language
# the company coined it in; the description says it in both.
VALUES: list[tuple[str, str]] = [
    (
        "ClientesFelices",
        "Cada cliente se va mejor de lo que llegó. · "
        "Every customer leaves better off than they arrived.",
    ),
    (
        "Aprendizaje",
        "Aprendemos haciendo y enseñamos lo aprendido. · "
        "We learn by doing and teach what we learn.",
    ),
    (
        "Teamwork",
        "Nadie gana solo: damos el mérito a quien ayudó. · "
        "Nobody wins alone: we credit whoever helped.",
    ),
    (
        "KeepItSimple",
        "Quitar un paso vale más que añadir tres. · Removing one step beats adding three.",
    ),
    (
        "Transparencia",
        "Contamos lo que pasa, también lo que falta. · We share what happens, gaps included.",
    ),
]
CUSTOMER, LEARNING, TEAMWORK, SIMPLE, OPEN = (name for name, _description in VALUES)


@dataclass(frozen=True)
class Idea:
    """A win someone might post. Placeholders: {mate} and {mate2} (teammates),
    {other} (someone from another team), {client}, {n}; each person becomes an
    `@mention`, and so a credit."""

    text: str
    values: tuple[str, ...] = ()
    card: str = ""  # a short headline: the win's picture is a card showing it
    chart: bool = False  # ...drawn as a rising bar chart
    n: tuple[int, int] = (3, 9)
    hours: tuple[int, int] | None = None  # posted at unusual hours (on call)


def _idea(text: str, *values: str, **options) -> Idea:
    return Idea(text=text, values=values, **options)


CLIENTS = [
    "Ferretería Luna", "Clínica Alameda", "Northwind Tea", "Hotel Mirador del Sur",
    "Cooperativa Valle Verde", "Bright Lane Books", "Talleres Ibarra", "Harbour Dental",
    "Escuela Sol de Mayo", "Greenfield Bikes", "Panadería La Espiga", "Quayside Logistics",
    "Bodegas Río Claro", "Maple & Finch", "Academia Delta", "Óptica Horizonte",
]  # fmt: skip

GENERAL = "*"
IDEAS: dict[str, dict[str, list[Idea]]] = {
    "Customer Care": {
        "es": [
            _idea(
                "Una clienta de {client} nos ha escrito solo para dar las gracias: {mate} le "
                "resolvió la migración de sus datos en tres correos y sin una sola queja. "
                "#soporte",
                CUSTOMER,
                card="Tres correos, cero frustración",
            ),
            _idea(
                "Cerramos la semana con la cola de tickets a cero por primera vez en meses. "
                "Gracias a {mate} y {mate2} por quedarse con los casos difíciles. #soporte",
                TEAMWORK,
                card="Cola de tickets: 0",
                chart=True,
            ),
            _idea(
                "He reescrito la respuesta para restablecer contraseñas: ahora lleva los pasos "
                "con capturas y nadie tiene que volver a escribirnos. #procesos",
                SIMPLE,
            ),
            _idea(
                "{client} ha renovado, y en la llamada nombraron a {mate}: dicen que nadie les "
                "había explicado la facturación tan bien. #clientes",
                CUSTOMER,
            ),
            _idea(
                "Primer fin de semana con el nuevo turno de guardia y nadie se quedó esperando: "
                "{n} incidencias atendidas en menos de una hora. #soporte",
                TEAMWORK,
                card="{n} incidencias en menos de 1 h",
                chart=True,
                n=(6, 19),
            ),
            _idea(
                "Hoy he hecho mi primera sesión de escucha con clientes sin guion. Me llevo "
                "tres ideas para la base de conocimiento y ganas de repetir. #feedback",
                LEARNING,
            ),
            _idea(
                "Hemos traducido al inglés los {n} artículos más leídos de la ayuda. {mate} "
                "revisó el tono para que no suenen a traductor automático. #documentación",
                CUSTOMER,
                n=(10, 25),
            ),
            _idea(
                "Un cliente de {client} llamó enfadado y colgó riéndose. {mate} tiene un don; "
                "le he pedido que nos lo enseñe en el próximo café de equipo. #soporte",
                LEARNING,
            ),
            _idea(
                "La encuesta de satisfacción de este mes sube {n} puntos. Lo que más se repite "
                "en los comentarios: «me contestó una persona de verdad». #clientes",
                CUSTOMER,
                OPEN,
                card="+{n} puntos de satisfacción",
                chart=True,
            ),
            _idea(
                "Hemos juntado en una sola plantilla las cinco respuestas sobre devoluciones. "
                "Ya cualquiera del equipo las contesta sin preguntar a nadie. #procesos",
                SIMPLE,
            ),
            _idea(
                "Con {other} descubrimos que la mitad de las dudas sobre facturas venían de un "
                "párrafo confuso del correo. Lo cambiaron en un día y las dudas han caído a la "
                "mitad. #facturación",
                TEAMWORK,
                SIMPLE,
            ),
            _idea(
                "He terminado el curso básico de lengua de signos. La semana que viene atiendo "
                "mi primera videollamada de soporte accesible. #accesibilidad",
                LEARNING,
                card="Soporte también en signos",
            ),
            _idea(
                "Por fin está documentado el escalado a ingeniería, con ejemplos reales. {mate} "
                "lo probó hoy con un caso complicado y funcionó a la primera. #procesos",
                SIMPLE,
                card="Escalar en tres pasos",
            ),
            _idea(
                "{client} nos ha mandado una caja de dulces para todo soporte. Está en la "
                "cocina de la segunda planta: daos prisa. #ClientesFelices"
            ),
        ],
        "en": [
            _idea(
                "A customer from {client} answered our survey with a whole paragraph about how "
                "patient {mate} was on a late Friday call. It's going on the wall. #support",
                CUSTOMER,
                card="A whole paragraph of thanks",
            ),
            _idea(
                "First-response time dropped below {n} minutes this week, and nobody stayed "
                "late for it. The new triage labels are doing their job. #support",
                SIMPLE,
                card="First reply in under {n} min",
                chart=True,
                n=(8, 15),
            ),
            _idea(
                "Closed my 500th ticket today! Thank you {mate} for all the shadowing in my "
                "first month. #milestone",
                TEAMWORK,
                card="500 tickets closed",
            ),
            _idea(
                "Rewrote our out-of-office reply so it says when people will actually hear "
                "back. Two customers already thanked us for the honesty. #support",
                OPEN,
            ),
            _idea(
                "{client} was about to cancel. After an hour going through their setup with "
                "{mate}, they upgraded instead. #customers",
                CUSTOMER,
            ),
            _idea(
                "Ran a lunch-and-learn on reading the support dashboard. {n} people from other "
                "teams came, and {other} wants one for their team too. #learning",
                LEARNING,
                n=(9, 18),
            ),
            _idea(
                "Found why so many password-reset tickets came in: for one email provider the "
                "link expired before the message arrived. {other} fixed it the same "
                "afternoon. #bugfix",
                TEAMWORK,
            ),
            _idea(
                "Help centre search now understands refund questions in Spanish and English. "
                "Small change, {n}0 fewer tickets this week already. #selfservice",
                CUSTOMER,
                card="{n}0 fewer tickets",
                chart=True,
            ),
            _idea(
                "Handed over my shift with the new shared notes, and {mate} said it was the "
                "first handover that needed no follow-up questions. #process",
                SIMPLE,
            ),
            _idea(
                "Spent the morning with a customer who uses our product with a screen reader. "
                "Came back with {n} fixes; the first two are merged. #accessibility",
                LEARNING,
                CUSTOMER,
            ),
        ],
    },
    "Engineering": {
        "es": [
            _idea(
                "Publicada la versión {n}.0 de la app, con modo sin conexión. Gracias a {mate} "
                "por probarla en trenes y ascensores. #release",
                TEAMWORK,
                card="Versión {n}.0 publicada",
            ),
            _idea(
                "A las 2 de la madrugada saltó la alerta de pagos. {mate} y yo dimos con el "
                "certificado caducado, lo renovamos y dejamos un aviso con un mes de margen "
                "para que no vuelva a pasar. #guardia",
                OPEN,
                hours=(2, 3),
                card="02:40 · todo en verde",
            ),
            _idea(
                "El build de integración baja de 18 a {n} minutos: fuera tests duplicados y "
                "dependencias en caché. #devops",
                SIMPLE,
                card="Build: de 18 a {n} min",
                chart=True,
            ),
            _idea(
                "Hoy ha salido a producción el primer cambio revisado de principio a fin por "
                "{mate}. Hizo preguntas tan buenas que acabé aprendiendo yo. #mentoring",
                LEARNING,
            ),
            _idea(
                "Cerrado el último aviso de seguridad de dependencias. El panel está en verde "
                "por primera vez este trimestre. #seguridad",
                OPEN,
                card="0 avisos abiertos",
            ),
            _idea(
                "El formulario de alta ya funciona solo con teclado y con lector de pantalla. "
                "Lo probamos con {other}, que fue quien nos dio la idea. #accesibilidad",
                CUSTOMER,
                TEAMWORK,
            ),
            _idea(
                "Borradas {n} mil líneas de código muerto del módulo de informes. No se ha roto "
                "nada y por fin se entiende la carpeta. #limpieza",
                SIMPLE,
            ),
            _idea(
                "Primera demo interna de los viernes: diez minutos, un cambio pequeño, "
                "explicado por quien lo hizo. Vino gente de {n} equipos. #comunidad",
                LEARNING,
                OPEN,
                n=(4, 7),
            ),
            _idea(
                "QA ha cazado un error en el cálculo del IVA antes de que llegara a ningún "
                "cliente. Buen ojo, {mate}. #qa",
                CUSTOMER,
            ),
            _idea(
                "La página de estado se actualiza sola desde las alertas. Nadie tiene que "
                "acordarse de escribirla a las tantas. #devops",
                OPEN,
                SIMPLE,
            ),
            _idea(
                "He dado mi primera charla en el meetup de Python de la ciudad, sobre cómo "
                "probamos las migraciones. Las diapositivas están en la wiki. #comunidad",
                LEARNING,
                card="Mi primera charla",
            ),
        ],
        "en": [
            _idea(
                "Dark mode is out on mobile. {mate} tuned every colour for contrast, so it "
                "passes WCAG AA as well. #mobile",
                CUSTOMER,
                card="Dark mode is live",
            ),
            _idea(
                "Fixed the flaky checkout test that failed one run in ten for months. It was a "
                "time zone assumption, of course. #bugfix",
                SIMPLE,
            ),
            _idea(
                "Paired with {mate} on the search indexing job: it now runs in {n} minutes "
                "instead of an hour. #performance",
                TEAMWORK,
                card="Indexing: 60 → {n} min",
                chart=True,
                n=(4, 12),
            ),
            _idea(
                "Our on-call handbook finally has a 'first ten minutes' page. {mate} used it "
                "last night and didn't have to wake anyone up. #oncall",
                SIMPLE,
            ),
            _idea(
                "Wrote up last week's incident, blameless and in plain words, and shared it "
                "with the whole company. Three people from Sales asked great questions. "
                "#postmortem",
                OPEN,
            ),
            _idea(
                "Released the new image uploader: phone photos now come out the right way up "
                "and without location data. #privacy",
                CUSTOMER,
                card="Photos: upright and private",
            ),
            _idea(
                "Taught a 30-minute SQL basics session for {other}'s team. They have already "
                "built their own weekly report with it. #learning",
                LEARNING,
                TEAMWORK,
            ),
            _idea(
                "Zero-downtime database migration done at lunchtime, not at midnight. Thanks "
                "{mate} for the rehearsal on staging. #devops",
                TEAMWORK,
            ),
            _idea(
                "The app's cold start is down to {n}00 ms on older Android phones. #mobile",
                card="Cold start: {n}00 ms",
                chart=True,
                n=(3, 8),
            ),
            _idea(
                "My first pull request to an open-source library we use every day got merged "
                "upstream. Feels good to give something back. #opensource",
                LEARNING,
            ),
            _idea(
                "At 2 a.m. the queue workers stopped. {mate} and I had them running again in "
                "minutes, found the memory leak by 3 and had the fix reviewed by breakfast. "
                "#oncall",
                TEAMWORK,
                hours=(7, 8),
            ),
        ],
    },
    "Comunicación": {
        "es": [
            _idea(
                "La newsletter interna de este mes ha tenido la mejor apertura del año: {n} %. "
                "El truco: historias de compañeros, no anuncios. #comunicacióninterna",
                OPEN,
                card="Apertura: {n} %",
                chart=True,
                n=(61, 78),
            ),
            _idea(
                "Publicado en el blog el caso de {client}, contado por {other}, que lo vivió de "
                "cerca. Sin adornos y con los números de verdad. #marketinghonesto",
                OPEN,
                card="Contado por quien lo vivió",
            ),
            _idea(
                "Grabado el primer episodio del pódcast interno con {other}, sobre cómo se "
                "prepara una guardia. Quince minutos, justo lo que dura el trayecto. #podcast",
                LEARNING,
            ),
            _idea(
                "La guía de estilo para redes ya cabe en una página. {mate} quitó todo lo que "
                "nadie usaba. #redes",
                SIMPLE,
            ),
            _idea(
                "Tres personas han aceptado que contemos fuera sus victorias de este mes. Por "
                "fin la web enseña lo que hace la gente y no lo que dice la marca. "
                "#marketinghonesto",
                OPEN,
            ),
            _idea(
                "Encuentro de comunidad en la oficina: {n} personas, pizza y cinco charlas "
                "relámpago. Repetimos el mes que viene. #comunidad",
                TEAMWORK,
                card="{n} personas, 5 charlas",
                n=(30, 60),
            ),
            _idea(
                "Esta semana hemos enviado cero correos a toda la empresa: lo importante ya "
                "estaba en el tablón de victorias. #comunicacióninterna",
                SIMPLE,
            ),
            _idea(
                "El vídeo de bienvenida nuevo lo han grabado los propios equipos con el móvil. "
                "Más cercano, y no ha costado nada. #onboarding",
                OPEN,
            ),
        ],
        "en": [
            _idea(
                "Our post about {other}'s accessibility work got more comments than any "
                "product announcement this year. Real work travels. #honestmarketing",
                OPEN,
                card="Real work travels",
            ),
            _idea(
                "The bilingual press kit is done: every page in Spanish and English, checked "
                "by native speakers on both sides. #press",
                CUSTOMER,
            ),
            _idea(
                "First internal story hour: {n} people shared a small win in two minutes each. "
                "Half of them want to post it here too. #community",
                LEARNING,
                n=(8, 16),
            ),
            _idea(
                "Turned a 40-page brand manual into a one-page checklist. {mate} tried it on "
                "three drafts and it caught every issue. #brand",
                SIMPLE,
                card="40 pages → 1 checklist",
            ),
            _idea(
                "The customer story with {client} is live, written with the team that did the "
                "work and approved by the customer. #honestmarketing",
                OPEN,
                TEAMWORK,
            ),
        ],
    },
    "Personas": {
        "es": [
            _idea(
                "El nuevo plan de acogida ya funciona: cada persona que llega tiene alguien de "
                "referencia desde el primer día. {mate} lo ha estrenado esta semana. "
                "#onboarding",
                TEAMWORK,
            ),
            _idea(
                "Lanzadas las cápsulas de aprendizaje de quince minutos. La primera, sobre cómo "
                "dar feedback, ya la han hecho {n} personas. #formación",
                LEARNING,
                card="Cápsulas de 15 minutos",
                n=(40, 90),
            ),
            _idea(
                "Hemos convertido la entrevista de salida en entrevista de permanencia: "
                "preguntamos a quien se queda qué le hace quedarse. #escucha",
                OPEN,
            ),
            _idea(
                "El papeleo de incorporación pasa de 14 documentos a 5. {other} nos ayudó a "
                "separar lo que pide la ley de lo que era costumbre. #onboarding",
                SIMPLE,
                card="De 14 documentos a 5",
                chart=True,
            ),
            _idea(
                "Primer círculo de mentoría entre equipos: seis parejas que no se conocían. "
                "Alguien ya me ha dicho que ve con otros ojos al equipo de al lado. #mentoring",
                LEARNING,
                TEAMWORK,
            ),
            _idea(
                "Las insignias de «Enseñé algo» ya funcionan: {n} personas la han ganado este "
                "mes compartiendo lo que saben. #gamificación",
                LEARNING,
                n=(12, 30),
            ),
            _idea(
                "La encuesta de clima ha tenido una participación del {n} %. Y esta vez "
                "publicamos todos los resultados, también los que no nos gustan. #escucha",
                OPEN,
                card="Participación: {n} %",
                chart=True,
                n=(70, 88),
            ),
        ],
        "en": [
            _idea(
                "Rewrote our job ads in neutral language and dropped requirements nobody "
                "needed. Applications for engineering roles doubled. #hiring",
                OPEN,
            ),
            _idea(
                "{mate} and I rebuilt the first-week checklist for new starters. It fits on a "
                "phone screen and links to people, not policies. #onboarding",
                SIMPLE,
                card="Your first week, on one screen",
            ),
            _idea(
                "Peer-learning hour number {n} today: someone from Finance showed spreadsheet "
                "tricks that have already saved me an hour. #learning",
                LEARNING,
                n=(10, 19),
            ),
            _idea(
                "Hired our first remote support specialist after an interview process of ten "
                "days instead of six weeks. #hiring",
                SIMPLE,
            ),
            _idea(
                "New parents now get a simple return-to-work plan written with their manager. "
                "Both people who used it said the first week felt calm. #wellbeing",
                TEAMWORK,
            ),
        ],
    },
    "Sales": {
        "es": [
            _idea(
                "Firmado {client}: {n} licencias para empezar. Lo que les convenció fue hablar "
                "con {other}, que les contó sin rodeos lo que aún no hacemos. #ventas",
                OPEN,
                card="Firmado: {client}",
                n=(12, 60),
            ),
            _idea(
                "¡Mi primera venta! Gracias a {mate} por acompañarme en las tres reuniones. "
                "#ventas",
                TEAMWORK,
                card="Primera venta",
            ),
            _idea(
                "Preparé con {other} una demo con datos reales (anonimizados) y la reunión duró "
                "la mitad. #demo",
                SIMPLE,
            ),
            _idea(
                "Un cliente nos ha recomendado a {n} empresas de su asociación sin que se lo "
                "pidiéramos. #ventas",
                CUSTOMER,
            ),
            _idea(
                "Fuera tres pasos del proceso de presupuestos: ahora salen en un día y no en "
                "una semana. #procesos",
                SIMPLE,
                card="Presupuestos: 7 días → 1",
                chart=True,
            ),
            _idea(
                "He perdido una oportunidad grande, pero el cliente me ha escrito para decir "
                "que ha sido el proceso más honesto que ha tenido con un proveedor. Seguiremos "
                "hablando. #ventas",
                OPEN,
            ),
            _idea(
                "Formación de producto para todo el equipo comercial, a cargo de {other}. Por "
                "fin entiendo la integración con la contabilidad. #formación",
                LEARNING,
            ),
        ],
        "en": [
            _idea(
                "Closed {client} this morning, {n} seats to start. They said our support "
                "team's reputation sealed it. #sales",
                CUSTOMER,
                TEAMWORK,
                card="Signed: {client}",
                n=(15, 80),
            ),
            _idea(
                "Pipeline review went from an hour to twenty minutes with the one-page "
                "template {mate} made. #process",
                SIMPLE,
            ),
            _idea(
                "A customer I lost last year came back today and asked for a call. Staying in "
                "touch without pushing paid off. #sales",
                CUSTOMER,
            ),
            _idea(
                "Shadowed a support shift with {other}. Now I know what our promises cost the "
                "team, so: better promises from now on. #learning",
                LEARNING,
                OPEN,
            ),
            _idea(
                "Quarterly target reached with {n} days to spare, as a team. Thanks to "
                "everyone who sent referrals our way. #sales",
                TEAMWORK,
                card="Quarter target: reached",
                chart=True,
                n=(4, 12),
            ),
            _idea(
                "Renewed {client} without a single conversation about discounts. They just "
                "want to keep working with us. #customers",
                CUSTOMER,
            ),
        ],
    },
    "Operaciones": {
        "es": [
            _idea(
                "La ruta de reparto nueva ahorra {n} kilómetros al día. La propuso {mate} "
                "después de acompañar a los repartidores una mañana. #logística",
                SIMPLE,
                card="−{n} km al día",
                chart=True,
                n=(20, 45),
            ),
            _idea(
                "Cierre de mes en tres días en lugar de siete: {mate} automatizó la "
                "conciliación bancaria con una hoja de cálculo bien pensada. #finanzas",
                SIMPLE,
                card="Cierre: 7 días → 3",
                chart=True,
            ),
            _idea(
                "Cambiadas todas las luces del almacén por LED: la factura eléctrica baja un "
                "{n} %. #sostenibilidad",
                OPEN,
                n=(18, 35),
            ),
            _idea(
                "El proveedor de embalajes nos ha bajado el precio después de enseñarle los "
                "datos de devoluciones. Negociar con datos funciona. #compras",
                LEARNING,
            ),
            _idea(
                "La sala pequeña ya tiene pantalla y cámara que funcionan a la primera. "
                "Gracias a {mate} por pelearse con los cables. #oficina",
                TEAMWORK,
            ),
            _idea(
                "Inventario anual sin sorpresas por primera vez: cuadra al {n} %. #logística",
                OPEN,
                card="Inventario: cuadra",
                n=(97, 99),
            ),
            _idea(
                "Donados {n} portátiles antiguos, borrados y revisados, a la asociación del "
                "barrio. Segunda vida para todos. #sostenibilidad",
                OPEN,
                n=(12, 30),
            ),
            _idea(
                "Las facturas de proveedores llegan ya a un solo buzón y se registran solas. "
                "Adiós a reenviar PDF. #finanzas",
                SIMPLE,
                card="Un buzón, cero reenvíos",
            ),
        ],
        "en": [
            _idea(
                "New courier contract signed: same-day delivery in two more cities at the same "
                "price. #logistics",
                CUSTOMER,
            ),
            _idea(
                "Expense approval now takes two clicks instead of an email chain. {mate} did "
                "the hard part. #finance",
                SIMPLE,
                card="Expenses in two clicks",
            ),
            _idea(
                "Swapped every office Wi-Fi access point over the weekend; nobody noticed on "
                "Monday, which was the whole point. #it",
                TEAMWORK,
            ),
            _idea(
                "Every laptop now has full-disk encryption, and nobody lost their machine for "
                "a day to get it. #security",
                OPEN,
            ),
            _idea(
                "Supplier onboarding uses one shared form instead of five spreadsheets. "
                "Procurement and Finance finally look at the same numbers. #process",
                SIMPLE,
                TEAMWORK,
            ),
        ],
    },
    "Dirección": {
        "es": [
            _idea(
                "En la reunión general de hoy no hubo diapositivas: cinco personas contaron su "
                "mejor victoria del trimestre. Nunca se había quedado tanta gente después. "
                "#comunidad",
                OPEN,
                card="Cinco victorias, cero diapositivas",
            ),
            _idea(
                "Publicadas las cuentas del año para toda la plantilla, explicadas en lenguaje "
                "llano por {other}. #transparencia"
            ),
            _idea(
                "Gracias al equipo de soporte por un mes de récord. {other} y compañía: se "
                "nota vuestro trabajo en cada renovación. #ClientesFelices",
                TEAMWORK,
            ),
            _idea(
                "He pasado la mañana en el almacén con operaciones. Vuelvo con cuatro mejoras "
                "que no cuestan nada y una lista de cosas que yo no sabía. #escucha",
                LEARNING,
            ),
        ],
        "en": [
            _idea(
                "Our all-hands ran in English and Spanish with live captions for the first "
                "time. Thank you {other} for making it happen. #inclusion",
                TEAMWORK,
            ),
        ],
    },
    GENERAL: {
        "es": [
            _idea(
                "Le enseñé a {other} los atajos de teclado del correo y a cambio aprendí a "
                "hacer tablas dinámicas. Trueque de conocimiento. #aprendizaje",
                LEARNING,
            ),
            _idea(
                "Terminado mi primer medio maratón con el club de corredores de la empresa. "
                "{mate} me esperaba en la meta. #bienestar",
                TEAMWORK,
                card="21,1 km",
            ),
            _idea(
                "Desayuno entre equipos: soporte, ventas e ingeniería en la misma mesa. Salieron "
                "{n} ideas y dos ya están en marcha. #comunidad",
                TEAMWORK,
            ),
            _idea(
                "He escrito en la wiki cómo preparo reuniones de quince minutos. Tres personas "
                "ya me han dicho que les sirve. #productividad",
                LEARNING,
                SIMPLE,
            ),
            _idea(
                "Después de un mes practicando, he presentado en inglés delante de clientes. "
                "Con nervios, pero ha salido bien. #aprendizaje",
                LEARNING,
                card="Mi primera presentación en inglés",
            ),
            _idea(
                "Limpieza de la carpeta compartida del equipo: de {n}00 archivos sueltos a una "
                "estructura que cabe en una pantalla. #orden",
                SIMPLE,
            ),
            _idea(
                "Mañana de voluntariado en el banco de alimentos: {n} compañeros y muchas "
                "cajas. #voluntariado",
                TEAMWORK,
                card="Mañana de voluntariado",
                n=(8, 20),
            ),
            _idea(
                "Primera semana y ya he resuelto un caso de principio a fin sin pedir ayuda. "
                "Gracias a {mate} por la paciencia con todas mis preguntas. #onboarding",
                LEARNING,
            ),
            _idea(
                "Compartí el resumen de un libro sobre hábitos y {other} ha propuesto leer el "
                "siguiente en grupo. Nace el club de lectura. #clubdelectura",
                LEARNING,
            ),
            _idea(
                "Vuelve el torneo de futbolín de los jueves. Lo mejor no es ganar: ya sé cómo "
                "se llama medio equipo de ventas. #comunidad",
                TEAMWORK,
            ),
            _idea(
                "Tras una hora con {other} entiendo por fin de dónde salen los números del "
                "informe mensual. Lo he dejado escrito para quien venga detrás. #aprendizaje",
                LEARNING,
                OPEN,
            ),
            _idea(
                "Cinco días seguidos sin reuniones antes de las diez. Resultado: terminado lo "
                "que llevaba un mes pendiente. #productividad",
                SIMPLE,
            ),
            _idea(
                "Taller de primeros auxilios completado. Ojalá no haga falta nunca, pero ya sé "
                "qué hacer. #bienestar",
                LEARNING,
            ),
            _idea(
                "Tres meses acompañando a una estudiante en prácticas, y hoy ha presentado su "
                "proyecto final. Qué orgullo. #mentoring",
                LEARNING,
                card="Proyecto final presentado",
            ),
        ],
        "en": [
            _idea(
                "Showed {other} how I keep my inbox at zero and got a crash course in keyboard "
                "shortcuts in return. Fair trade. #learning",
                LEARNING,
            ),
            _idea(
                "Finished the data visualisation course I started in January. The first chart "
                "I made with it is in this week's team update. #learning",
                LEARNING,
                card="Course finished",
            ),
            _idea(
                "Cross-team coffee roulette: {n} pairs met someone new this week. #community",
                TEAMWORK,
                n=(9, 24),
            ),
            _idea(
                "Wrote a one-page guide to the expense tool and pinned it in the team channel. "
                "Questions about it dropped to zero. #docs",
                SIMPLE,
            ),
            _idea(
                "Joined the Spanish conversation club at lunch. Today I ordered coffee for the "
                "whole table without switching to English. #learning",
                LEARNING,
            ),
            _idea(
                "Our retro ended ten minutes early, with three clear actions. Small thing, but "
                "a first. #process",
                SIMPLE,
            ),
            _idea(
                "Volunteered at the kids' coding club with {mate}: {n} children built their "
                "first web page. #volunteering",
                TEAMWORK,
                card="{n} first web pages",
                n=(10, 18),
            ),
            _idea(
                "Finally documented the task only I knew how to do. Now I can go on holiday in "
                "peace. #docs",
                OPEN,
                SIMPLE,
            ),
            _idea(
                "Gave my first internal talk, on writing a good bug report. {other} asked for "
                "the slides for their team. #learning",
                LEARNING,
            ),
            _idea(
                "Cycled to the office every day this week for the green commute challenge, "
                "and {mate} joined me on Friday. #wellbeing",
                TEAMWORK,
            ),
            _idea(
                "Mentored a new colleague through their first month; today they ran the team "
                "meeting on their own. #mentoring",
                LEARNING,
            ),
            _idea(
                "Moved our weekly status meeting to a written update and got back an hour a "
                "week for {n} people. #process",
                SIMPLE,
                card="An hour back, every week",
                chart=True,
            ),
        ],
    },
}
# Each team writes about its own work most of the time, and about anything else now and then.
OWN_TEAM_SHARE = 0.7

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

# How often a reaction is of each kind; learning wins get more "insightful".
REACTION_WEIGHTS = {
    Reaction.Kind.CLAP: 35,
    Reaction.Kind.CELEBRATE: 30,
    Reaction.Kind.LOVE: 20,
    Reaction.Kind.INSIGHTFUL: 15,
}
# When people post, in the organisation's time zone: office hours, peaking mid-morning.
HOUR_WEIGHTS = {
    7: 1, 8: 4, 9: 9, 10: 12, 11: 12, 12: 10, 13: 5, 14: 4,
    15: 8, 16: 10, 17: 8, 18: 4, 19: 2, 20: 1, 21: 1, 22: 1,
}  # fmt: skip
# Weekend days are kept this often when drawn: about 6% of wins come on Saturdays and Sundays.
WEEKEND_KEEP = 0.15


# --------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------
@dataclass
class WinSeedSummary:
    created: int = 0
    existing: int = 0
    reactions: int = 0
    comments: int = 0
    credits: int = 0
    images: int = 0
    edited: int = 0
    team_only: int = 0
    values_created: int = 0


# --------------------------------------------------------------------------
# People, time and text
# --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Person:
    pk: int
    handle: str
    team_id: int | None
    language: str
    named: bool  # a person of the demo organisation or a demo login, not a generated one


@dataclass
class _Cast:
    """The people a batch of wins is written by and for."""

    everyone: list[_Person]
    by_team: dict[int, list[_Person]]
    team_names: dict[int, str]
    logins: dict[str, _Person]

    def team(self, person: _Person) -> list[_Person]:
        """`person`'s team, `person` included: pickers skip the author themselves (a
        copy without them would cost a pass over thousands of people for every win)."""
        return self.by_team.get(person.team_id, []) if person.team_id else []


GENERATED_EMAIL = re.compile(r"^person\d+@")


def _load_cast(*, named_only: bool) -> _Cast | None:
    rows = (
        User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}", is_active=True)
        .order_by("pk")
        .values_list("pk", "email", "team_id", "language", "team__name")
    )
    people: list[_Person] = []
    logins: dict[str, _Person] = {}
    team_names: dict[int, str] = {}
    login_emails = {login.email for login in DEMO_LOGINS}
    for pk, email, team_id, language, team_name in rows:
        person = _Person(
            pk=pk,
            handle=email.split("@", 1)[0].lower(),
            team_id=team_id,
            language=language if language in COMMENTS else "en",
            named=not GENERATED_EMAIL.match(email),
        )
        if email in login_emails:
            logins[email] = person
        if team_id:
            team_names[team_id] = team_name
        people.append(person)
    if named_only and sum(p.named for p in people) >= 5:
        people = [p for p in people if p.named]
    if not people:
        return None
    by_team: dict[int, list[_Person]] = {}
    for person in people:
        if person.team_id:
            by_team.setdefault(person.team_id, []).append(person)
    return _Cast(everyone=people, by_team=by_team, team_names=team_names, logins=logins)


def _posting_times(rng: random.Random, *, count: int, now: datetime) -> list[datetime]:
    """`count` moments over the last `WEEKS` weeks, on working days and hours, oldest first."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    hours, weights = list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values())
    latest = now - timedelta(minutes=5)
    times: list[datetime] = []
    while len(times) < count:
        day = today - timedelta(days=rng.randrange(WEEKS * 7))
        if day.weekday() >= 5 and rng.random() > WEEKEND_KEEP:
            continue
        hour = rng.choices(hours, weights)[0]
        moment = _at(day, hour, rng, zone)
        if moment <= latest:
            times.append(moment)
    times.sort()
    return times


def _at(day: date, hour: int, rng: random.Random, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(
        day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone
    ).astimezone(UTC)


def _after(rng: random.Random, moment: datetime, now: datetime, *, mean_minutes: float) -> datetime:
    """A moment after `moment` (minutes to a day or two later), never in the future."""
    room = (now - moment).total_seconds()
    delay = min(rng.expovariate(1 / (mean_minutes * 60)), room * 0.95)
    return moment + timedelta(seconds=max(delay, min(30.0, room / 2)))


class _IdeaDeck:
    """Ideas for a (team, language), dealt without repeats until the deck runs out."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.decks: dict[tuple[str, str], deque[Idea]] = {}

    def deal(self, team: str, language: str) -> Idea:
        key = (team, language)
        deck = self.decks.get(key)
        if not deck:
            ideas = list(IDEAS.get(team, {}).get(language, []))
            self.rng.shuffle(ideas)
            deck = self.decks[key] = deque(ideas)
        return deck.popleft()


# --------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class PictureSpec:
    style: str  # "card", "chart", "confetti", "rings" or "waves"
    palette: int
    seed: int
    headline: str = ""
    label: str = ""
    language: str = "en"


# (top, bottom, accent, second accent, ink on the panel), with a name in both languages.
PALETTES: list[tuple[tuple[str, ...], str, str]] = [
    (("#0f766e", "#2dd4bf", "#fde68a", "#f97316", "#134e4a"), "turquesa y ámbar",
     "teal and amber"),
    (("#312e81", "#818cf8", "#f9a8d4", "#fcd34d", "#312e81"), "índigo y rosa", "indigo and pink"),
    (("#9a3412", "#fb923c", "#fed7aa", "#fde047", "#7c2d12"), "naranja y melocotón",
     "orange and peach"),
    (("#065f46", "#34d399", "#d9f99d", "#fef08a", "#064e3b"), "verde esmeralda", "emerald green"),
    (("#1e3a8a", "#38bdf8", "#e0f2fe", "#fb7185", "#1e3a8a"), "azul cielo y coral",
     "sky blue and coral"),
    (("#9d174d", "#f472b6", "#fce7f3", "#fde68a", "#831843"), "frambuesa y crema",
     "raspberry and cream"),
    (("#b45309", "#fcd34d", "#fffbeb", "#0ea5e9", "#78350f"), "miel y azul", "honey and blue"),
]  # fmt: skip

ALT_TEXT = {
    "card": {
        "es": "Tarjeta ilustrada con el texto «{headline}» sobre un degradado {colour}, "
        "rodeada de círculos de colores.",
        "en": "Illustrated card reading “{headline}” on a gradient of {colour}, "
        "surrounded by colourful circles.",
    },
    "chart": {
        "es": "Gráfico de barras que crecen de izquierda a derecha bajo el titular "
        "«{headline}», sobre un fondo {colour}.",
        "en": "Bar chart rising from left to right under the headline “{headline}”, "
        "on a background of {colour}.",
    },
    "confetti": {
        "es": "Ilustración abstracta: confeti de círculos y rombos sobre un degradado {colour}.",
        "en": "Abstract illustration: confetti of circles and diamonds on a gradient of {colour}.",
    },
    "rings": {
        "es": "Ilustración abstracta de anillos concéntricos en tonos {colour}.",
        "en": "Abstract illustration of concentric rings in {colour} tones.",
    },
    "waves": {
        "es": "Ilustración abstracta de ondas superpuestas en tonos {colour}.",
        "en": "Abstract illustration of overlapping waves in {colour} tones.",
    },
}


def alt_text(spec: PictureSpec) -> str:
    """What the picture shows, in the language of the win, for screen readers."""
    _colours, colour_es, colour_en = PALETTES[spec.palette]
    colour = colour_es if spec.language == "es" else colour_en
    return ALT_TEXT[spec.style][spec.language].format(headline=spec.headline, colour=colour)


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _gradient(size: tuple[int, int], top: str, bottom: str, *, radial: bool) -> Image.Image:
    mask = Image.radial_gradient("L") if radial else Image.linear_gradient("L")
    mask = mask.resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


# A bold system font when there is one (Debian and Ubuntu ship DejaVu), else the
# one bundled with Pillow; nothing is downloaded.
SYSTEM_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf")
# A code point no font draws: what a missing glyph looks like in a given font.
NO_GLYPH = "\U0010fffd"


@functools.cache
def _system_font() -> str | None:
    for name in SYSTEM_FONTS:
        try:
            ImageFont.truetype(name, 12)
        except OSError:
            continue
        return name
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = _system_font()
    return ImageFont.truetype(name, size) if name else ImageFont.load_default(size=size)


@functools.cache
def _can_draw(char: str) -> bool:
    font = _font(24)

    def drawn(text: str) -> bytes:
        canvas = Image.new("L", (48, 48))
        ImageDraw.Draw(canvas).text((4, 4), text, font=font, fill=255)
        return canvas.tobytes()

    return char.isspace() or drawn(char) != drawn(NO_GLYPH)


def _drawable(text: str) -> str:
    """`text` with characters the font cannot draw replaced by their plain forms
    (Pillow's bundled font has no "ó"), so no picture shows an empty box."""
    shown = []
    for char in text:
        if _can_draw(char):
            shown.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            shown.append(plain or {"→": "->"}.get(char, ""))
    return "".join(shown)


def _wrap(
    draw: ImageDraw.ImageDraw,
    text: str,
    width: int,
    *,
    start: int,
    max_lines: int,
    max_height: int | None = None,
) -> tuple[list[str], int]:
    """Lines of `text` fitting `width` (and `max_height`, at 1.2 lines), at the
    largest size from `start` giving `max_lines`."""
    size = start
    text = _drawable(text)
    while True:
        font = _font(size)
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and draw.textlength(candidate, font=font) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        fits = len(lines) <= max_lines and all(
            draw.textlength(line, font=font) <= width for line in lines
        )
        if max_height is not None:
            fits = fits and len(lines) * int(size * 1.2) <= max_height
        if fits or size <= 28:
            return lines, size
        size -= 6


def render_picture(spec: PictureSpec) -> Image.Image:
    """Draw the picture a demo win is posted with: pleasant, simple, deterministic."""
    rng = random.Random(spec.seed)  # noqa: S311 - pictures, not secrets
    colours = [_rgb(c) for c in PALETTES[spec.palette][0]]
    top, _bottom, accent, accent2, ink = colours
    width, height = DRAWN_SIZE
    base = _gradient(DRAWN_SIZE, PALETTES[spec.palette][0][0], PALETTES[spec.palette][0][1],
                     radial=spec.style == "rings").convert("RGBA")  # fmt: skip
    shapes = Image.new("RGBA", DRAWN_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)

    if spec.style in {"card", "chart", "confetti"}:
        for _ in range(26 if spec.style == "confetti" else 12):
            r = rng.randint(18, 140)
            x, y = rng.randrange(width), rng.randrange(height)
            colour = (*rng.choice([accent, accent2, (255, 255, 255)]), rng.randint(70, 170))
            if rng.random() < 0.35:
                draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=colour)
            else:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    elif spec.style == "rings":
        cx, cy = rng.randrange(width // 3, 2 * width // 3), rng.randrange(height // 3, height)
        for index, radius in enumerate(range(1300, 60, -70)):
            colour = (*(accent if index % 2 else accent2), 60 + (index * 9) % 120)
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=colour,
                         width=rng.randint(10, 34))  # fmt: skip
    else:  # waves
        for index in range(9):
            amplitude = rng.randint(30, 110)
            phase, wavelength = rng.random() * math.tau, rng.randint(500, 1100)
            base_y = 120 + index * (height - 160) // 9
            points = [
                (x, base_y + amplitude * math.sin(phase + x * math.tau / wavelength))
                for x in range(-20, width + 40, 20)
            ]
            colour = (*(accent if index % 3 else accent2), rng.randint(90, 190))
            draw.line(points, fill=colour, width=rng.randint(14, 40), joint="curve")

    picture = Image.alpha_composite(base, shapes)
    if spec.style in {"card", "chart"}:
        picture = _panel(picture, spec, rng, ink=ink, accent=accent2, second=top)
    return picture.convert("RGB")


def _panel(
    picture: Image.Image,
    spec: PictureSpec,
    rng: random.Random,
    *,
    ink: tuple[int, int, int],
    accent: tuple[int, int, int],
    second: tuple[int, int, int],
) -> Image.Image:
    width, height = picture.size
    layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    # A soft shadow, then the card.
    box = (140, 150, width - 140, height - 150)
    draw.rounded_rectangle((box[0] + 12, box[1] + 18, box[2] + 12, box[3] + 18), radius=48,
                           fill=(0, 0, 0, 60))  # fmt: skip
    draw.rounded_rectangle(box, radius=48, fill=(255, 255, 255, 240))
    draw.rounded_rectangle((box[0] + 70, box[1] + 70, box[0] + 190, box[1] + 84), radius=7,
                           fill=(*accent, 255))  # fmt: skip
    if spec.label:
        draw.text((box[0] + 70, box[1] + 105), spec.label, font=_font(40), fill=(*second, 255))
    text_width = box[2] - box[0] - 140
    if spec.style == "chart":
        bars = 6
        gap, bar_width = 24, (text_width - 5 * 24) // bars
        floor = box[3] - 70
        value = rng.uniform(0.2, 0.35)
        for index in range(bars):
            value = min(1.0, value + rng.uniform(0.08, 0.18))
            x = box[0] + 70 + index * (bar_width + gap)
            colour = accent if index == bars - 1 else second
            draw.rounded_rectangle((x, floor - int(value * 260), x + bar_width, floor), radius=14,
                                   fill=(*colour, 235 if index == bars - 1 else 150))  # fmt: skip
        lines, size = _wrap(draw, spec.headline, text_width, start=80, max_lines=1)
        y = box[1] + 170
    else:
        # Below the label, above the card's bottom margin: DejaVu's bold (`make
        # system-deps`) is taller than the bundled font, and three lines at 104 px spilled out.
        top, bottom = box[1] + 175, box[3] - 55
        lines, size = _wrap(draw, spec.headline, text_width, start=104, max_lines=3,
                            max_height=bottom - top)  # fmt: skip
        y = top + (bottom - top - len(lines) * int(size * 1.2)) // 2
    font = _font(size)
    for line in lines:
        # The bundled font has no bold: a thin outline stands in for it.
        outline = 0 if _system_font() else 1
        draw.text((box[0] + 70, y), line, font=font, fill=(*ink, 255), stroke_width=outline,
                  stroke_fill=(*ink, 255))  # fmt: skip
        y += int(size * 1.2)
    return Image.alpha_composite(picture, layer)


def picture_files(spec: PictureSpec) -> tuple[ContentFile, ContentFile]:
    """The display image and thumbnail for `spec`, cleaned and encoded as uploads are."""
    drawn = BytesIO()
    render_picture(spec).save(drawn, format="PNG", compress_level=1)
    drawn.name = "demo.png"
    return photo_files(images.decode_upload(drawn))


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------
@dataclass
class _Plan:
    author: _Person
    language: str
    body: str
    visibility: str
    values: tuple[str, ...]
    mentioned: list[_Person]
    credited: list[_Person]
    created_at: datetime
    picture: PictureSpec | None = None
    edit: tuple[str, datetime] | None = None
    reactions: list[tuple[_Person, str, datetime]] = field(default_factory=list)
    comments: list[tuple[_Person, str, datetime, list[_Person]]] = field(default_factory=list)

    @property
    def credits(self) -> list[_Person]:
        people = {p.pk: p for p in [*self.credited, *self.mentioned] if p.pk != self.author.pk}
        return list(people.values())


class _Planner:
    """Turns ordinals into planned wins. Deterministic for a given `rng` and cast."""

    def __init__(self, rng: random.Random, cast: _Cast, *, now: datetime, rich: bool) -> None:
        self.rng = rng
        self.cast = cast
        self.now = now
        self.rich = rich  # curated: more reactions and comments, pictures, login cadence
        self.deck = _IdeaDeck(rng)

    # -- who writes ---------------------------------------------------------
    def author(self, ordinal: int) -> _Person:
        """Demo logins post at a steady cadence (so every login has wins); others at random."""
        if self.rich:
            logins = self.cast.logins
            cadence = [
                (20, 3, "employee@example.com"),
                (40, 11, "manager@example.com"),
                (40, 27, "comms@example.com"),
                (80, 50, "admin@example.com"),
            ]
            for every, at, email in cadence:
                if ordinal % every == at and email in logins:
                    return logins[email]
            # Everyone else at random; Customer Care (the manager's and the employee's team)
            # posts a bit more, so the manager has team wins to read.
            login_pks = {p.pk for p in logins.values()}
            people = [p for p in self.cast.everyone if p.pk not in login_pks] or self.cast.everyone
            weights = [
                2.0 if self.cast.team_names.get(p.team_id) == "Customer Care" else 1.0
                for p in people
            ]
            return self.rng.choices(people, weights)[0]
        return self.rng.choice(self.cast.everyone)

    def _someone(self, pool: Sequence[_Person], exclude: set[int]) -> _Person | None:
        for _attempt in range(8):
            person = self.rng.choice(pool) if pool else None
            if person is None:
                return None
            if person.pk not in exclude:
                return person
        candidates = [p for p in pool if p.pk not in exclude]
        return self.rng.choice(candidates) if candidates else None

    # -- what they write ----------------------------------------------------
    def plan(self, ordinal: int, created_at: datetime) -> _Plan:
        rng = self.rng
        author = self.author(ordinal)
        language = (
            author.language if rng.random() < 0.88 else {"es": "en"}.get(author.language, "es")
        )
        team_name = self.cast.team_names.get(author.team_id, "")
        own = team_name in IDEAS and IDEAS[team_name].get(language)
        idea = self.deck.deal(team_name if own and rng.random() < OWN_TEAM_SHARE else GENERAL,
                              language)  # fmt: skip
        team = self.cast.team(author)
        teammates = team if len(team) > 1 else []
        team_share = {"Customer Care": 0.3, "Engineering": 0.2}.get(team_name, 0.12)
        team_only = bool(teammates) and rng.random() < team_share
        # A team-only win only mentions people who can see it.
        others = team if team_only else self.cast.everyone
        used = {author.pk}
        fill: dict[str, str] = {"client": rng.choice(CLIENTS), "n": str(rng.randint(*idea.n))}
        mentioned: list[_Person] = []
        for key, pool in (("mate", teammates or others), ("mate2", teammates or others),
                          ("other", others)):  # fmt: skip
            if "{" + key + "}" not in idea.text:
                continue
            person = self._someone(pool, used) or self._someone(self.cast.everyone, used)
            if person is None:
                fill[key] = "?"
                continue
            used.add(person.pk)
            mentioned.append(person)
            fill[key] = f"@{person.handle}"
        body = idea.text.format_map(fill)
        # Some credit a coworker with the composer's "with" field instead of a mention.
        credited: list[_Person] = []
        if not mentioned and teammates and rng.random() < 0.3:
            person = self._someone(teammates, used)
            if person:
                credited.append(person)
                used.add(person.pk)

        if idea.hours:
            local = created_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
            moved = _at(local.date(), rng.randint(*idea.hours), rng, local.tzinfo)
            created_at = moved if moved < self.now - timedelta(minutes=5) else created_at

        plan = _Plan(
            author=author,
            language=language,
            body=body,
            visibility=Win.Visibility.TEAM if team_only else Win.Visibility.EVERYONE,
            values=idea.values,
            mentioned=mentioned,
            credited=credited,
            created_at=created_at,
        )
        audience = team if team_only else self.cast.everyone
        if self.rich:
            share = 0.55 if idea.card else 0.2
            if rng.random() < share * CURATED_IMAGE_SHARE / 0.3:
                plan.picture = self._picture(idea, fill, plan)
        self._edit(plan, teammates or others, used)
        self._react(plan, idea, audience, teammates)
        self._comment(plan, audience, teammates)
        return plan

    def _picture(self, idea: Idea, fill: dict[str, str], plan: _Plan) -> PictureSpec:
        rng = self.rng
        if idea.card:
            style = "chart" if idea.chart else "card"
            headline = idea.card.format_map(fill)
        else:
            style, headline = rng.choice(["confetti", "rings", "waves"]), ""
        label = f"#{plan.values[0]}" if plan.values else ""
        return PictureSpec(style=style, palette=rng.randrange(len(PALETTES)),
                           seed=rng.randrange(2**31), headline=headline, label=label,
                           language=plan.language)  # fmt: skip

    def _edit(self, plan: _Plan, pool: Sequence[_Person], used: set[int]) -> None:
        if self.rng.random() >= (0.06 if self.rich else 0.03):
            return
        addendum = self.rng.choice(EDITS[plan.language])
        if "{mate}" in addendum:
            person = self._someone(pool, used)
            if person is None:
                return
            used.add(person.pk)
            plan.mentioned.append(person)
            addendum = addendum.format(mate=f"@{person.handle}")
        at = _after(self.rng, plan.created_at, self.now, mean_minutes=40)
        plan.edit = (f"{plan.body}\n\n{addendum}", at)

    def _react(self, plan: _Plan, idea: Idea, audience: list[_Person], team: list[_Person]) -> None:
        rng = self.rng
        kinds, weights = list(REACTION_WEIGHTS), list(REACTION_WEIGHTS.values())
        if LEARNING in idea.values:
            weights[kinds.index(Reaction.Kind.INSIGHTFUL)] *= 3
        mean = 4.5 if self.rich else 2.2
        count = min(len(audience) - 1, int(rng.expovariate(1 / mean) + rng.random()))
        people: dict[int, _Person] = {}
        # The demo logins who can see the win react often, so they find their own reactions.
        if self.rich:
            for login in self.cast.logins.values():
                visible = plan.visibility == Win.Visibility.EVERYONE or login in audience
                if login.pk != plan.author.pk and visible and rng.random() < 0.25:
                    people[login.pk] = login
        while len(people) < count:
            pool = team if team and rng.random() < 0.5 else audience
            person = rng.choice(pool)
            if person.pk != plan.author.pk:
                people[person.pk] = person
        for person in people.values():
            for kind in {rng.choices(kinds, weights)[0] for _ in range(1 + (rng.random() < 0.1))}:
                at = _after(rng, plan.created_at, self.now, mean_minutes=180)
                plan.reactions.append((person, kind, at))

    def _comment(self, plan: _Plan, audience: list[_Person], team: list[_Person]) -> None:
        rng = self.rng
        weights = [35, 30, 20, 10, 5] if self.rich else [60, 25, 10, 4, 1]
        count = rng.choices(range(5), weights)[0]
        at = plan.created_at
        for _ in range(count):
            pool = team if team and rng.random() < 0.5 else audience
            person = self._someone(pool, {plan.author.pk})
            if person is None:
                break
            text = rng.choice(COMMENTS[plan.language])
            mentions: list[_Person] = []
            if "{third}" in text:
                third = self._someone(audience, {plan.author.pk, person.pk})
                if third is None:
                    continue
                mentions.append(third)
                text = text.replace("{third}", f"@{third.handle}")
            if "{author}" in text:
                mentions.append(plan.author)
                text = text.replace("{author}", f"@{plan.author.handle}")
            at = _after(rng, at, self.now, mean_minutes=150)
            plan.comments.append((person, text, at, mentions))
        if plan.comments and rng.random() < 0.3:
            at = _after(rng, at, self.now, mean_minutes=60)
            reply = rng.choice(AUTHOR_REPLIES[plan.language])
            plan.comments.append((plan.author, reply, at, []))


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def ensure_values() -> int:
    """The organisation's values as `Tag(is_value=True)`, with descriptions. Returns how
    many were created or changed; running it again changes nothing."""
    changed = 0
    for name, description in VALUES:
        tag = tags_for(names=[name])[0]
        if not tag.is_value or not tag.description:
            Tag.objects.filter(pk=tag.pk).update(
                is_value=True, description=tag.description or description
            )
            changed += 1
    return changed


def _set_counters(wins: Sequence[int] | tuple[int, int]) -> None:
    """Set `reaction_count` and `comment_count` from the rows, one UPDATE each.

    `wins` is a list of ids or an inclusive (first, last) id range. Counting the
    rows makes the counters right for any win in the range, whoever wrote it.
    """
    scope = (
        Win.objects.filter(pk__gte=wins[0], pk__lte=wins[1])
        if isinstance(wins, tuple)
        else Win.objects.filter(pk__in=wins)
    )
    for counter, model in (("reaction_count", Reaction), ("comment_count", Comment)):
        rows = (
            model.objects.filter(win=OuterRef("pk"))
            .order_by()
            .values("win")
            .annotate(total=Count("pk"))
            .values("total")
        )
        scope.update(**{counter: Coalesce(Subquery(rows), 0)})


def _write_reactions_and_comments(pairs: Sequence[tuple[int, _Plan]]) -> tuple[int, int]:
    reactions = [
        Reaction(win_id=win_id, user_id=person.pk, kind=kind, created_at=at)
        for win_id, plan in pairs
        for person, kind, at in plan.reactions
    ]
    Reaction.objects.bulk_create(reactions, batch_size=ROW_BATCH_SIZE)
    comments: list[Comment] = []
    mentions: list[list[_Person]] = []
    for win_id, plan in pairs:
        for person, text, at, mentioned in plan.comments:
            comments.append(Comment(win_id=win_id, author_id=person.pk, body=text, created_at=at))
            mentions.append(mentioned)
    Comment.objects.bulk_create(comments, batch_size=ROW_BATCH_SIZE)
    Comment.mentions.through.objects.bulk_create(
        [
            Comment.mentions.through(comment_id=comment.pk, user_id=person.pk)
            for comment, people in zip(comments, mentions, strict=True)
            for person in {p.pk: p for p in people if p.pk != comment.author_id}.values()
        ],
        batch_size=ROW_BATCH_SIZE,
    )
    return len(reactions), len(comments)


def _write_curated(plans: list[_Plan], summary: WinSeedSummary, report: Callable[[], None]) -> None:
    """Post each win through the services, as the composer does; pictures drawn in parallel."""
    specs = [plan.picture for plan in plans if plan.picture]
    # Encoding (most of a picture's cost) releases the GIL, so threads use every
    # core. All pictures are drawn first: busy threads next to a thread waiting on
    # the database would make it queue for the GIL after every query.
    with ThreadPoolExecutor() as pool:
        files = dict(zip(specs, pool.map(picture_files, specs), strict=True))
    needed = {p.author.pk for p in plans} | {c.pk for p in plans for c in p.credited}
    users = User.objects.in_bulk(needed)
    posted: list[tuple[Win, _Plan]] = []
    # Old wins notify nobody now: `feed.demo.notifications` writes their history.
    with transaction.atomic(), notifications_muted():
        for plan in plans:
            author = users[plan.author.pk]
            display, thumbnail = files.get(plan.picture, (None, None))
            credited = [users[p.pk] for p in plan.credited]
            win = win_create(
                author=author,
                body=plan.body,
                visibility=plan.visibility,
                tag_names=plan.values,
                credited=credited,
                image=display,
                thumbnail=thumbnail,
                image_alt=alt_text(plan.picture) if plan.picture else "",
            )
            win.created_at = plan.created_at
            if plan.edit:
                win = win_update(win=win, editor=author, body=plan.edit[0],
                                 visibility=plan.visibility, tag_names=plan.values,
                                 credited=credited)  # fmt: skip
                win.edited_at = plan.edit[1]
                summary.edited += 1
            summary.images += int(display is not None)
            posted.append((win, plan))
            report()
        Win.objects.bulk_update([w for w, _p in posted], ["created_at", "edited_at"],
                                batch_size=500)  # fmt: skip
        ids = [win.pk for win, _plan in posted]
        Credit.objects.filter(win_id__in=ids).update(
            created_at=Subquery(Win.objects.filter(pk=OuterRef("win_id")).values("created_at"))
        )
        reactions, comments = _write_reactions_and_comments([(w.pk, p) for w, p in posted])
        _set_counters(ids)
    summary.reactions += reactions
    summary.comments += comments
    summary.credits += sum(len(plan.credits) for plan in plans)


class _TagIds:
    """Tag ids by lowercased name, created through `tags_for` when new."""

    def __init__(self) -> None:
        self.ids = {name.lower(): pk for pk, name in Tag.objects.values_list("pk", "name")}

    def __call__(self, names: Sequence[str]) -> list[int]:
        missing = [n for n in names if n.lower() not in self.ids]
        for tag in tags_for(names=missing) if missing else []:
            self.ids[tag.name.lower()] = tag.pk
        return list(dict.fromkeys(self.ids[n.lower()] for n in names if n.lower() in self.ids))


def _write_bulk(plans: list[_Plan], tag_ids: _TagIds, summary: WinSeedSummary) -> None:
    """One batch of wins with their tags, credits, reactions and comments, in one transaction."""
    with transaction.atomic():
        wins = Win.objects.bulk_create(
            [
                Win(
                    author_id=plan.author.pk,
                    body=plan.edit[0] if plan.edit else plan.body,
                    body_html=render_body(plan.edit[0] if plan.edit else plan.body),
                    visibility=plan.visibility,
                    team_id=plan.author.team_id,
                    created_at=plan.created_at,
                    edited_at=plan.edit[1] if plan.edit else None,
                )
                for plan in plans
            ],
            batch_size=WIN_BATCH_SIZE,
        )
        pairs = [(win.pk, plan) for win, plan in zip(wins, plans, strict=True)]
        Win.tags.through.objects.bulk_create(
            [
                Win.tags.through(win_id=win_id, tag_id=tag_id)
                for win_id, plan in pairs
                for tag_id in tag_ids([*parse_hashtags(plan.body), *plan.values])
            ],
            batch_size=ROW_BATCH_SIZE,
        )
        credits = [
            Credit(win_id=win_id, user_id=person.pk, created_at=plan.created_at)
            for win_id, plan in pairs
            for person in plan.credits
        ]
        Credit.objects.bulk_create(credits, batch_size=ROW_BATCH_SIZE)
        reactions, comments = _write_reactions_and_comments(pairs)
        ids = [win_id for win_id, _plan in pairs]
        _set_counters((min(ids), max(ids)))
        win_search_vector_update(*ids)
    summary.reactions += reactions
    summary.comments += comments
    summary.credits += len(credits)
    summary.edited += sum(plan.edit is not None for plan in plans)


def _refresh_statistics() -> None:
    """Have PostgreSQL re-sample the tables just filled.

    Query plans come from table statistics that autovacuum refreshes only after
    a while. Right after a bulk load they still describe nearly empty tables,
    and the feed's prefetches get planned as hash joins over every person: a
    benchmark run then would measure a database no production site has.
    """
    if connection.vendor != "postgresql":
        return
    models = (Win, Win.tags.through, Credit, Reaction, Comment, Comment.mentions.through, User)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _demo_wins_count() -> int:
    """How many wins the demo people have written.

    Counted per author and summed here: joined on a suffix LIKE of the email,
    PostgreSQL guesses that one person matches and visits every person's wins
    one by one (2 s at 200,000 wins, against 0.2 s this way).
    """
    people = set(
        User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").values_list("pk", flat=True)
    )
    per_author = Win.objects.order_by().values_list("author_id").annotate(total=Count("pk"))
    return sum(total for author_id, total in per_author if author_id in people)


def seed_wins(
    *,
    count: int = DEFAULT_WINS,
    progress: Callable[[int, int], None] | None = None,
    rng: random.Random | None = None,
) -> WinSeedSummary:
    """Top the demo people's wins up to `count`; see the module docstring.

    Needs the demo people (`feed.demo.people.seed_people`) first; with none, it
    creates nothing. Deterministic for a given database and `rng`.
    """
    summary = WinSeedSummary(values_created=ensure_values())
    summary.existing = _demo_wins_count()
    missing = max(0, count - summary.existing)
    if not missing:
        return summary
    now = timezone.now()
    # Seeded by what is already there, so a top-up does not repeat the first run's choices.
    rng = rng or random.Random(f"{SEED}:{summary.existing}")  # noqa: S311 - demo data
    start = summary.existing
    curated = max(0, min(missing, CURATED_WINS - start))
    done = 0

    def report(step: int = 1) -> None:
        nonlocal done
        done += step
        if progress:
            progress(done, missing)

    if curated:
        cast = _load_cast(named_only=True)
        if cast is None:
            return summary
        planner = _Planner(rng, cast, now=now, rich=True)
        times = _posting_times(rng, count=curated, now=now)
        plans = [planner.plan(start + i, times[i]) for i in range(curated)]
        _write_curated(plans, summary, report)
        summary.created += curated
        summary.team_only += sum(p.visibility == Win.Visibility.TEAM for p in plans)
    if missing > curated:
        cast = _load_cast(named_only=False)
        if cast is None:
            return summary
        planner = _Planner(rng, cast, now=now, rich=False)
        tag_ids = _TagIds()
        # Its own spread over the weeks, so curated wins are not all the oldest or newest.
        times = _posting_times(rng, count=missing - curated, now=now)
        for batch, first in enumerate(range(0, missing - curated, WIN_BATCH_SIZE), start=1):
            last = min(first + WIN_BATCH_SIZE, missing - curated)
            plans = [planner.plan(start + curated + i, times[i]) for i in range(first, last)]
            _write_bulk(plans, tag_ids, summary)
            summary.created += len(plans)
            summary.team_only += sum(p.visibility == Win.Visibility.TEAM for p in plans)
            report(len(plans))
            # Each batch's UPDATEs (counters, search documents) look rows up by win
            # id; planned from statistics of near-empty tables they scan whole
            # tables instead, and the load turns quadratic. Re-sampling whenever
            # the load has doubled keeps the plans right for O(log n) ANALYZEs.
            if batch & (batch - 1) == 0:
                _refresh_statistics()
    _refresh_statistics()
    return summary

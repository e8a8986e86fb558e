"""
The wins demo people write in Spanish, by team (under `GENERAL`: anyone, any team).

Each team writes about its own work most of the time (`planning.OWN_TEAM_SHARE`).
Placeholders and options are described on `feed.demo.ideas.Idea`; a `card` is
the headline of the win's picture and, for the demo highlights, of its story.
"""

from __future__ import annotations

from feed.demo.ideas import GENERAL, Idea, idea
from feed.demo.values import CUSTOMER, LEARNING, OPEN, SIMPLE, TEAMWORK

IDEAS_ES: dict[str, list[Idea]] = {
    "Customer Care": [
        idea(
            "Una clienta de {client} nos ha escrito solo para dar las gracias: {mate} le "
            "resolvió la migración de sus datos en tres correos y sin una sola queja. "
            "#soporte",
            CUSTOMER,
            card="Tres correos, cero frustración",
        ),
        idea(
            "Cerramos la semana con la cola de tickets a cero por primera vez en meses. "
            "Gracias a {mate} y {mate2} por quedarse con los casos difíciles. #soporte",
            TEAMWORK,
            card="Cola de tickets: 0",
            chart=True,
        ),
        idea(
            "He reescrito la respuesta para restablecer contraseñas: ahora lleva los pasos "
            "con capturas y nadie tiene que volver a escribirnos. #procesos",
            SIMPLE,
        ),
        idea(
            "{client} ha renovado, y en la llamada nombraron a {mate}: dicen que nadie les "
            "había explicado la facturación tan bien. #clientes",
            CUSTOMER,
        ),
        idea(
            "Primer fin de semana con el nuevo turno de guardia y nadie se quedó esperando: "
            "{n} incidencias atendidas en menos de una hora. #soporte",
            TEAMWORK,
            card="{n} incidencias en menos de 1 h",
            chart=True,
            n=(6, 19),
        ),
        idea(
            "Hoy he hecho mi primera sesión de escucha con clientes sin guion. Me llevo "
            "tres ideas para la base de conocimiento y ganas de repetir. #feedback",
            LEARNING,
        ),
        idea(
            "Hemos traducido al inglés los {n} artículos más leídos de la ayuda. {mate} "
            "revisó el tono para que no suenen a traductor automático. #documentación",
            CUSTOMER,
            n=(10, 25),
        ),
        idea(
            "Un cliente de {client} llamó enfadado y colgó riéndose. {mate} tiene un don; "
            "le he pedido que nos lo enseñe en el próximo café de equipo. #soporte",
            LEARNING,
        ),
        idea(
            "La encuesta de satisfacción de este mes sube {n} puntos. Lo que más se repite "
            "en los comentarios: «me contestó una persona de verdad». #clientes",
            CUSTOMER,
            OPEN,
            card="+{n} puntos de satisfacción",
            chart=True,
        ),
        idea(
            "Hemos juntado en una sola plantilla las cinco respuestas sobre devoluciones. "
            "Ya cualquiera del equipo las contesta sin preguntar a nadie. #procesos",
            SIMPLE,
        ),
        idea(
            "Con {other} descubrimos que la mitad de las dudas sobre facturas venían de un "
            "párrafo confuso del correo. Lo cambiaron en un día y las dudas han caído a la "
            "mitad. #facturación",
            TEAMWORK,
            SIMPLE,
        ),
        idea(
            "He terminado el curso básico de lengua de signos. La semana que viene atiendo "
            "mi primera videollamada de soporte accesible. #accesibilidad",
            LEARNING,
            card="Soporte también en signos",
        ),
        idea(
            "Por fin está documentado el escalado a ingeniería, con ejemplos reales. {mate} "
            "lo probó hoy con un caso complicado y funcionó a la primera. #procesos",
            SIMPLE,
            card="Escalar en tres pasos",
        ),
        idea(
            "{client} nos ha mandado una caja de dulces para todo soporte. Está en la "
            "cocina de la segunda planta: daos prisa. #ClientesFelices"
        ),
    ],
    "Engineering": [
        idea(
            "Publicada la versión {n}.0 de la app, con modo sin conexión. Gracias a {mate} "
            "por probarla en trenes y ascensores. #release",
            TEAMWORK,
            card="Versión {n}.0 publicada",
        ),
        idea(
            "A las 2 de la madrugada saltó la alerta de pagos. {mate} y yo dimos con el "
            "certificado caducado, lo renovamos y dejamos un aviso con un mes de margen "
            "para que no vuelva a pasar. #guardia",
            OPEN,
            hours=(2, 3),
            card="02:40 · todo en verde",
        ),
        idea(
            "El build de integración baja de 18 a {n} minutos: fuera tests duplicados y "
            "dependencias en caché. #devops",
            SIMPLE,
            card="Build: de 18 a {n} min",
            chart=True,
        ),
        idea(
            "Hoy ha salido a producción el primer cambio revisado de principio a fin por "
            "{mate}. Hizo preguntas tan buenas que acabé aprendiendo yo. #mentoring",
            LEARNING,
        ),
        idea(
            "Cerrado el último aviso de seguridad de dependencias. El panel está en verde "
            "por primera vez este trimestre. #seguridad",
            OPEN,
            card="0 avisos abiertos",
        ),
        idea(
            "El formulario de alta ya funciona solo con teclado y con lector de pantalla. "
            "Lo probamos con {other}, que fue quien nos dio la idea. #accesibilidad",
            CUSTOMER,
            TEAMWORK,
        ),
        idea(
            "Borradas {n} mil líneas de código muerto del módulo de informes. No se ha roto "
            "nada y por fin se entiende la carpeta. #limpieza",
            SIMPLE,
        ),
        idea(
            "Primera demo interna de los viernes: diez minutos, un cambio pequeño, "
            "explicado por quien lo hizo. Vino gente de {n} equipos. #comunidad",
            LEARNING,
            OPEN,
            n=(4, 7),
        ),
        idea(
            "QA ha cazado un error en el cálculo del IVA antes de que llegara a ningún "
            "cliente. Buen ojo, {mate}. #qa",
            CUSTOMER,
        ),
        idea(
            "La página de estado se actualiza sola desde las alertas. Nadie tiene que "
            "acordarse de escribirla a las tantas. #devops",
            OPEN,
            SIMPLE,
        ),
        idea(
            "He dado mi primera charla en el meetup de Python de la ciudad, sobre cómo "
            "probamos las migraciones. Las diapositivas están en la wiki. #comunidad",
            LEARNING,
            card="Mi primera charla",
        ),
    ],
    "Comunicación": [
        idea(
            "La newsletter interna de este mes ha tenido la mejor apertura del año: {n} %. "
            "El truco: historias de compañeros, no anuncios. #comunicacióninterna",
            OPEN,
            card="Apertura: {n} %",
            chart=True,
            n=(61, 78),
        ),
        idea(
            "Publicado en el blog el caso de {client}, contado por {other}, que lo vivió de "
            "cerca. Sin adornos y con los números de verdad. #marketinghonesto",
            OPEN,
            card="Contado por quien lo vivió",
        ),
        idea(
            "Grabado el primer episodio del pódcast interno con {other}, sobre cómo se "
            "prepara una guardia. Quince minutos, justo lo que dura el trayecto. #podcast",
            LEARNING,
        ),
        idea(
            "La guía de estilo para redes ya cabe en una página. {mate} quitó todo lo que "
            "nadie usaba. #redes",
            SIMPLE,
        ),
        idea(
            "Tres personas han aceptado que contemos fuera sus victorias de este mes. Por "
            "fin la web enseña lo que hace la gente y no lo que dice la marca. "
            "#marketinghonesto",
            OPEN,
        ),
        idea(
            "Encuentro de comunidad en la oficina: {n} personas, pizza y cinco charlas "
            "relámpago. Repetimos el mes que viene. #comunidad",
            TEAMWORK,
            card="{n} personas, 5 charlas",
            n=(30, 60),
        ),
        idea(
            "Esta semana hemos enviado cero correos a toda la empresa: lo importante ya "
            "estaba en el tablón de victorias. #comunicacióninterna",
            SIMPLE,
        ),
        idea(
            "El vídeo de bienvenida nuevo lo han grabado los propios equipos con el móvil. "
            "Más cercano, y no ha costado nada. #onboarding",
            OPEN,
        ),
    ],
    "Personas": [
        idea(
            "El nuevo plan de acogida ya funciona: cada persona que llega tiene alguien de "
            "referencia desde el primer día. {mate} lo ha estrenado esta semana. "
            "#onboarding",
            TEAMWORK,
        ),
        idea(
            "Lanzadas las cápsulas de aprendizaje de quince minutos. La primera, sobre cómo "
            "dar feedback, ya la han hecho {n} personas. #formación",
            LEARNING,
            card="Cápsulas de 15 minutos",
            n=(40, 90),
        ),
        idea(
            "Hemos convertido la entrevista de salida en entrevista de permanencia: "
            "preguntamos a quien se queda qué le hace quedarse. #escucha",
            OPEN,
        ),
        idea(
            "El papeleo de incorporación pasa de 14 documentos a 5. {other} nos ayudó a "
            "separar lo que pide la ley de lo que era costumbre. #onboarding",
            SIMPLE,
            card="De 14 documentos a 5",
            chart=True,
        ),
        idea(
            "Primer círculo de mentoría entre equipos: seis parejas que no se conocían. "
            "Alguien ya me ha dicho que ve con otros ojos al equipo de al lado. #mentoring",
            LEARNING,
            TEAMWORK,
        ),
        idea(
            "Las insignias de «Enseñé algo» ya funcionan: {n} personas la han ganado este "
            "mes compartiendo lo que saben. #gamificación",
            LEARNING,
            n=(12, 30),
        ),
        idea(
            "La encuesta de clima ha tenido una participación del {n} %. Y esta vez "
            "publicamos todos los resultados, también los que no nos gustan. #escucha",
            OPEN,
            card="Participación: {n} %",
            chart=True,
            n=(70, 88),
        ),
    ],
    "Sales": [
        idea(
            "Firmado {client}: {n} licencias para empezar. Lo que les convenció fue hablar "
            "con {other}, que les contó sin rodeos lo que aún no hacemos. #ventas",
            OPEN,
            card="Firmado: {client}",
            n=(12, 60),
        ),
        idea(
            "¡Mi primera venta! Gracias a {mate} por acompañarme en las tres reuniones. #ventas",
            TEAMWORK,
            card="Primera venta",
        ),
        idea(
            "Preparé con {other} una demo con datos reales (anonimizados) y la reunión duró "
            "la mitad. #demo",
            SIMPLE,
        ),
        idea(
            "Un cliente nos ha recomendado a {n} empresas de su asociación sin que se lo "
            "pidiéramos. #ventas",
            CUSTOMER,
        ),
        idea(
            "Fuera tres pasos del proceso de presupuestos: ahora salen en un día y no en "
            "una semana. #procesos",
            SIMPLE,
            card="Presupuestos: 7 días → 1",
            chart=True,
        ),
        idea(
            "He perdido una oportunidad grande, pero el cliente me ha escrito para decir "
            "que ha sido el proceso más honesto que ha tenido con un proveedor. Seguiremos "
            "hablando. #ventas",
            OPEN,
        ),
        idea(
            "Formación de producto para todo el equipo comercial, a cargo de {other}. Por "
            "fin entiendo la integración con la contabilidad. #formación",
            LEARNING,
        ),
    ],
    "Operaciones": [
        idea(
            "La ruta de reparto nueva ahorra {n} kilómetros al día. La propuso {mate} "
            "después de acompañar a los repartidores una mañana. #logística",
            SIMPLE,
            card="−{n} km al día",
            chart=True,
            n=(20, 45),
        ),
        idea(
            "Cierre de mes en tres días en lugar de siete: {mate} automatizó la "
            "conciliación bancaria con una hoja de cálculo bien pensada. #finanzas",
            SIMPLE,
            card="Cierre: 7 días → 3",
            chart=True,
        ),
        idea(
            "Cambiadas todas las luces del almacén por LED: la factura eléctrica baja un "
            "{n} %. #sostenibilidad",
            OPEN,
            n=(18, 35),
        ),
        idea(
            "El proveedor de embalajes nos ha bajado el precio después de enseñarle los "
            "datos de devoluciones. Negociar con datos funciona. #compras",
            LEARNING,
        ),
        idea(
            "La sala pequeña ya tiene pantalla y cámara que funcionan a la primera. "
            "Gracias a {mate} por pelearse con los cables. #oficina",
            TEAMWORK,
        ),
        idea(
            "Inventario anual sin sorpresas por primera vez: cuadra al {n} %. #logística",
            OPEN,
            card="Inventario: cuadra",
            n=(97, 99),
        ),
        idea(
            "Donados {n} portátiles antiguos, borrados y revisados, a la asociación del "
            "barrio. Segunda vida para todos. #sostenibilidad",
            OPEN,
            n=(12, 30),
        ),
        idea(
            "Las facturas de proveedores llegan ya a un solo buzón y se registran solas. "
            "Adiós a reenviar PDF. #finanzas",
            SIMPLE,
            card="Un buzón, cero reenvíos",
        ),
    ],
    "Dirección": [
        idea(
            "En la reunión general de hoy no hubo diapositivas: cinco personas contaron su "
            "mejor victoria del trimestre. Nunca se había quedado tanta gente después. "
            "#comunidad",
            OPEN,
            card="Cinco victorias, cero diapositivas",
        ),
        idea(
            "Publicadas las cuentas del año para toda la plantilla, explicadas en lenguaje "
            "llano por {other}. #transparencia"
        ),
        idea(
            "Gracias al equipo de soporte por un mes de récord. {other} y compañía: se "
            "nota vuestro trabajo en cada renovación. #ClientesFelices",
            TEAMWORK,
        ),
        idea(
            "He pasado la mañana en el almacén con operaciones. Vuelvo con cuatro mejoras "
            "que no cuestan nada y una lista de cosas que yo no sabía. #escucha",
            LEARNING,
        ),
    ],
    GENERAL: [
        idea(
            "Le enseñé a {other} los atajos de teclado del correo y a cambio aprendí a "
            "hacer tablas dinámicas. Trueque de conocimiento. #aprendizaje",
            LEARNING,
        ),
        idea(
            "Terminado mi primer medio maratón con el club de corredores de la empresa. "
            "{mate} me esperaba en la meta. #bienestar",
            TEAMWORK,
            card="21,1 km",
        ),
        idea(
            "Desayuno entre equipos: soporte, ventas e ingeniería en la misma mesa. Salieron "
            "{n} ideas y dos ya están en marcha. #comunidad",
            TEAMWORK,
        ),
        idea(
            "He escrito en la wiki cómo preparo reuniones de quince minutos. Tres personas "
            "ya me han dicho que les sirve. #productividad",
            LEARNING,
            SIMPLE,
        ),
        idea(
            "Después de un mes practicando, he presentado en inglés delante de clientes. "
            "Con nervios, pero ha salido bien. #aprendizaje",
            LEARNING,
            card="Mi primera presentación en inglés",
        ),
        idea(
            "Limpieza de la carpeta compartida del equipo: de {n}00 archivos sueltos a una "
            "estructura que cabe en una pantalla. #orden",
            SIMPLE,
        ),
        idea(
            "Mañana de voluntariado en el banco de alimentos: {n} compañeros y muchas "
            "cajas. #voluntariado",
            TEAMWORK,
            card="Mañana de voluntariado",
            n=(8, 20),
        ),
        idea(
            "Primera semana y ya he resuelto un caso de principio a fin sin pedir ayuda. "
            "Gracias a {mate} por la paciencia con todas mis preguntas. #onboarding",
            LEARNING,
        ),
        idea(
            "Compartí el resumen de un libro sobre hábitos y {other} ha propuesto leer el "
            "siguiente en grupo. Nace el club de lectura. #clubdelectura",
            LEARNING,
        ),
        idea(
            "Vuelve el torneo de futbolín de los jueves. Lo mejor no es ganar: ya sé cómo "
            "se llama medio equipo de ventas. #comunidad",
            TEAMWORK,
        ),
        idea(
            "Tras una hora con {other} entiendo por fin de dónde salen los números del "
            "informe mensual. Lo he dejado escrito para quien venga detrás. #aprendizaje",
            LEARNING,
            OPEN,
        ),
        idea(
            "Cinco días seguidos sin reuniones antes de las diez. Resultado: terminado lo "
            "que llevaba un mes pendiente. #productividad",
            SIMPLE,
        ),
        idea(
            "Taller de primeros auxilios completado. Ojalá no haga falta nunca, pero ya sé "
            "qué hacer. #bienestar",
            LEARNING,
        ),
        idea(
            "Tres meses acompañando a una estudiante en prácticas, y hoy ha presentado su "
            "proyecto final. Qué orgullo. #mentoring",
            LEARNING,
            card="Proyecto final presentado",
        ),
    ],
}

import Foundation

extension Demo {
    /// Spa El Encanto (DESIGN.md section 7): a wellness spa that lost 22% of its customer retention
    /// in a semester. Three quarters ago it chased bookings and occupancy; two quarters ago it saw the
    /// drop and asked its customers why; last quarter it designed the plan; this quarter it runs it.
    static let spaElEncanto = OrganizationPlan(
        slug: "spa-el-encanto", name: "Spa El Encanto", language: .spanish, timeZone: "Europe/Madrid",
        emailDomain: "spaelencanto.example", checkInMinute: 9 * 60 + 30, automaticMinute: 6 * 60,
        teams: [
            TeamPlan("company", "Spa El Encanto"),
            TeamPlan("reception", "Recepción", parent: "company"),
            TeamPlan("therapists", "Terapeutas", parent: "company"),
            TeamPlan("aftercare", "Seguimiento postservicio", parent: "company"),
        ],
        people: [
            PersonPlan("lucia", "Lucía Ortega", mailbox: "lucia.ortega", team: "company"),
            PersonPlan("marta", "Marta Jiménez", mailbox: "marta.jimenez", team: "reception"),
            PersonPlan("andres", "Andrés Navarro", mailbox: "andres.navarro", team: "reception"),
            PersonPlan("javier", "Javier Morales", mailbox: "javier.morales", team: "therapists"),
            PersonPlan("elena", "Elena Castro", mailbox: "elena.castro", team: "therapists"),
            PersonPlan("carmen", "Carmen Ruiz", mailbox: "carmen.ruiz", team: "aftercare"),
        ],
        cycles: [spaFillTheDiary, spaTheDrop, spaThePlan, spaRecovery],
        initiatives: [
            InitiativePlan(
                title: "Campaña de bonos regalo",
                description: "Bonos de circuito y masaje para regalar, a la venta en recepción y en la web.",
                owner: "lucia", teams: ["company", "reception"], keyResults: ["vouchers"], cycle: 0,
                startOffset: 0, endOffset: 60),
            InitiativePlan(
                title: "Mapa del recorrido del cliente",
                description: "Taller con todo el equipo para recorrer la visita del cliente, de la reserva a la semana siguiente, y marcar los puntos de fricción.",
                owner: "lucia", teams: ["company", "reception", "therapists", "aftercare"], keyResults: ["journey"],
                cycle: 2, startOffset: 0, endOffset: 35),
            InitiativePlan(
                title: "Confirmaciones automáticas y guías previas al servicio",
                description: "Confirmación automática al reservar, recordatorio 24 h antes y una guía de qué traer y cuándo llegar.",
                owner: "marta", teams: ["reception", "therapists"],
                keyResults: ["booking", "fastConfirmation", "cancellations", "onTime"], cycle: 3, startOffset: 0,
                endOffset: 42),
            InitiativePlan(
                title: "Protocolo único de cuidado y cierre de sesión para terapeutas",
                description: "La misma bienvenida, los mismos tiempos y el mismo cierre con recomendaciones para casa en todas las cabinas.",
                owner: "javier", teams: ["therapists", "aftercare"],
                keyResults: ["onTime", "protocol", "delay", "reviews"], cycle: 3, startOffset: 7, endOffset: 77),
            InitiativePlan(
                title: "Contacto personal después de tratamientos faciales y terapias",
                description: "Una llamada o un mensaje personal en las 72 horas siguientes para resolver dudas y recoger la opinión del cliente.",
                owner: "carmen", teams: ["aftercare", "reception"], keyResults: ["reviews", "contact", "winBack"],
                cycle: 3, startOffset: 14, endOffset: nil),
        ],
        kickoffNote: "Arrancamos el trimestre: valor de partida.",
        weeklyNotes: [
            "Semana tranquila, sin cambios importantes.",
            "Revisado en la reunión del lunes.",
            "Seguimos con el plan previsto.",
            "Datos actualizados con la agenda de la semana.",
            "Pendiente de revisarlo con todo el equipo.",
            "Buena semana: el equipo está muy implicado.",
            "Semana con mucha ocupación; hemos ido justos de personal.",
        ],
        bindings: [
            "booking": MetricBinding(keyResultID: "", metricID: "confirmation_time_mean", period: "week"),
            "onTime": MetricBinding(keyResultID: "", metricID: "on_time_start_rate", period: "week"),
            "reviews": MetricBinding(keyResultID: "", metricID: "favourable_reviews", period: "week", rollingDays: 28),
            "cancellations": MetricBinding(keyResultID: "", metricID: "cancellation_rate", period: "week", rollingDays: 28),
        ])

    /// Three quarters ago: growth first, nobody is watching retention yet.
    private static let spaFillTheDiary: [ObjectivePlan] = [
        ObjectivePlan(
            "fill", team: "company", owner: "lucia", title: "Llenar la agenda de la temporada",
            description: "Crecer en reservas y en ocupación de cabinas con la nueva carta de tratamientos.",
            keyResults: [
                .change(
                    "Aumentar la ocupación de cabinas del 58% al 75%", from: 58, to: 75, "%", owner: "lucia", reach: 0.9,
                    key: "occupancy", shape: .slowStart,
                    notes: ["La promoción de tarde llena los jueves.", "Las mañanas entre semana siguen flojas."]),
                .change(
                    "Pasar de 950 a 1.200 reservas al mes", from: 950, to: 1200, "reservas", owner: "marta", reach: 1.0,
                    notes: ["Récord de reservas en una semana."]),
                .change(
                    "Vender 150 bonos regalo", from: 0, to: 150, "bonos", owner: "lucia", reach: 0.8, key: "vouchers",
                    shape: .fastStart, notes: ["Los bonos se venden sobre todo en la web."]),
            ]),
        ObjectivePlan(
            "easyBooking", team: "reception", owner: "marta", title: "Que reservar sea cómodo por teléfono y por web",
            supports: [.objective("fill")],
            keyResults: [
                .change(
                    "Pasar del 20% al 45% de reservas online", from: 20, to: 45, "%", owner: "marta", reach: 0.7,
                    notes: ["El nuevo botón de reserva en la web funciona bien en el móvil."]),
                .keep(
                    .keepAbove, "Atender por encima del 85% de las llamadas", 85, "%", spread: 4, owner: "andres",
                    compliance: 0.75, blockers: ["A mediodía solo hay una persona en recepción."]),
            ]),
        ObjectivePlan(
            "menu", team: "therapists", owner: "javier", title: "Renovar la carta de tratamientos",
            supports: [.keyResult("occupancy")],
            keyResults: [
                .milestone(
                    "Lanzar 3 tratamientos nuevos", items: 3, done: 3, owner: "javier",
                    notes: ["Ritual de piedras calientes listo para la carta."]),
                .change(
                    "Formar a 6 terapeutas en rituales faciales", from: 0, to: 6, "terapeutas", owner: "elena",
                    reach: 0.5, blockers: ["La formadora externa solo puede venir un día al mes."]),
            ]),
    ]

    /// Two quarters ago: the 22% drop in retention shows up and the spa asks why.
    private static let spaTheDrop: [ObjectivePlan] = [
        ObjectivePlan(
            "understand", team: "company", owner: "lucia", title: "Entender por qué nuestros clientes no vuelven",
            description: "La retención semestral cayó un 22% (del 68% al 53%). Las quejas hablan de esperas para reservar y confirmar, de ningún seguimiento tras los faciales y de poca coordinación entre recepción, terapeutas y seguimiento.",
            keyResults: [
                .change(
                    "Entrevistar a 40 clientes que no han vuelto en cuatro meses", from: 0, to: 40, "entrevistas",
                    owner: "lucia", reach: 0.9,
                    notes: [
                        "Primeras entrevistas: la espera para confirmar la cita sale en casi todas.",
                        "Varios clientes de faciales dicen que nadie les llamó después.",
                    ]),
                .milestone(
                    "Encuesta postservicio activa en los 4 puntos de contacto", items: 4, done: 3, owner: "carmen",
                    blockers: ["La encuesta por SMS necesita el consentimiento de cada cliente."]),
                .keep(
                    .keepAbove, "Mantener la ocupación de cabinas por encima del 70%", 70, "%", spread: 5,
                    owner: "lucia", compliance: 0.45,
                    notes: ["La ocupación cae entre semana: los clientes habituales no repiten."]),
            ]),
        ObjectivePlan(
            "respond", team: "reception", owner: "marta", title: "Responder antes a quien quiere reservar",
            supports: [.objective("understand")],
            keyResults: [
                .change(
                    "Reducir el tiempo para confirmar una cita de 36 h a 24 h", from: 36, to: 24, "h", owner: "marta",
                    reach: 0.35, shape: .stall, notes: ["Las confirmaciones siguen siendo manuales, por teléfono."],
                    blockers: ["Solo una persona en recepción por las tardes."]),
                .change(
                    "Bajar las cancelaciones de última hora del 9% al 6%", from: 9, to: 6, "%", owner: "andres",
                    reach: 0.45),
            ]),
        ObjectivePlan(
            "punctual", team: "therapists", owner: "javier", title: "Sesiones puntuales y bien cuidadas",
            supports: [.objective("understand")],
            keyResults: [
                .change(
                    "Registrar la hora real de inicio en el 100% de las sesiones", from: 10, to: 100, "%",
                    owner: "javier", reach: 0.95, shape: .fastStart),
                .change(
                    "Subir las sesiones iniciadas a tiempo del 60% al 75%", from: 60, to: 75, "%", owner: "javier",
                    reach: 0.35, shape: .stall, notes: ["Los retrasos se acumulan a partir de media mañana."],
                    blockers: ["No hay tiempo de preparación de cabina entre sesiones."]),
            ]),
    ]

    /// Last quarter: the team designs the recovery plan.
    private static let spaThePlan: [ObjectivePlan] = [
        ObjectivePlan(
            "plan", team: "company", owner: "lucia",
            title: "Diseñar con el equipo el plan para recuperar a nuestros clientes",
            keyResults: [
                .milestone(
                    "Mapear el recorrido del cliente y sus 5 puntos de fricción principales", items: 5, done: 5,
                    owner: "lucia", key: "journey",
                    notes: ["Taller con todo el equipo: confirmar la cita es el primer punto de fricción."]),
                .keep(
                    .keepAbove, "Mantener la retención semestral por encima del 53%", 53, "%", spread: 2,
                    owner: "lucia", compliance: 0.6),
                .change(
                    "Subir el NPS de 18 a 30", from: 18, to: 30, "pts", owner: "carmen", reach: 0.55,
                    notes: ["Los detractores hablan sobre todo de esperas."]),
            ]),
        ObjectivePlan(
            "reminders", team: "reception", owner: "marta", title: "Preparar las confirmaciones automáticas",
            supports: [.objective("plan")],
            keyResults: [
                .milestone(
                    "Elegir, configurar y probar la herramienta de recordatorios", items: 3, done: 3, owner: "marta"),
                .change(
                    "Reducir las llamadas perdidas del 25% al 10%", from: 25, to: 10, "%", owner: "andres", reach: 0.65,
                    notes: ["Desviamos las llamadas a la segunda línea a mediodía."]),
                .keep(
                    .keepBelow, "Mantener la tasa de inasistencia por debajo del 7%", 7, "%", spread: 1,
                    owner: "marta", compliance: 0.85),
            ]),
        ObjectivePlan(
            "aftercareLaunch", team: "aftercare", owner: "carmen", title: "Poner en marcha el seguimiento postservicio",
            supports: [.objective("plan")],
            keyResults: [
                .milestone("Lanzar la encuesta postservicio con comentarios", items: 1, done: 1, owner: "carmen"),
                .change(
                    "Subir la respuesta a la encuesta postservicio del 5% al 20%", from: 5, to: 20, "%",
                    owner: "carmen", reach: 0.85, notes: ["Enviar la encuesta por WhatsApp triplica las respuestas."]),
                .change(
                    "Pasar del 55% al 65% de reseñas favorables", from: 55, to: 65, "%", owner: "carmen", reach: 0.7),
            ]),
        ObjectivePlan(
            "protocolDesign", team: "therapists", owner: "javier", title: "Acordar un protocolo común de cuidado",
            supports: [.objective("plan")],
            keyResults: [
                .milestone(
                    "Celebrar 4 talleres de protocolo con todas las terapeutas", items: 4, done: 3, owner: "javier",
                    blockers: ["Cuesta cuadrar los turnos para reunir a todo el equipo."]),
                .change(
                    "Subir las sesiones iniciadas a tiempo del 62% al 70%", from: 62, to: 70, "%", owner: "elena",
                    reach: 0.35),
            ]),
    ]

    /// This quarter: the recovery plan of section 7, with its three key results and initiatives.
    private static let spaRecovery: [ObjectivePlan] = [
        ObjectivePlan(
            "trust", team: "company", owner: "lucia", title: "Recuperar la confianza y satisfacción de los clientes",
            description: "Tras perder un 22% de retención en un semestre: reservar y confirmar rápido, empezar cada sesión a tiempo y cuidar al cliente después del servicio.",
            keyResults: [
                .change(
                    "Reducir un 40% el tiempo medio para reservar y confirmar una cita (de 30 h a 18 h)", from: 30,
                    to: 18, "h", owner: "marta", reach: 1.05, key: "booking",
                    notes: [
                        "Las confirmaciones automáticas ya cubren el 60% de las citas.",
                        "Las guías previas al servicio reducen las llamadas con dudas.",
                        "Casi todas las citas se confirman ya el mismo día.",
                    ]),
                .change(
                    "Aumentar un 25% las sesiones que empiezan a tiempo (del 64% al 80%)", from: 64, to: 80, "%",
                    owner: "javier", reach: 0.72, key: "onTime",
                    notes: [
                        "El cierre de sesión pautado libera cinco minutos entre sesiones.",
                        "Los lunes por la mañana seguimos empezando tarde.",
                    ],
                    blockers: ["Falta material en dos cabinas a primera hora."]),
                .change(
                    "Aumentar un 30% las reseñas favorables después del servicio (del 62% al 80,6%)", from: 62,
                    to: 80.6, "%", owner: "carmen", reach: 0.74, key: "reviews",
                    notes: [
                        "Las reseñas mencionan la llamada después del facial.",
                        "Las reseñas tardan en llegar: vamos por detrás del plan.",
                    ]),
            ]),
        ObjectivePlan(
            "fastBooking", team: "reception", owner: "marta", title: "Que reservar con nosotros sea fácil y rápido",
            supports: [.keyResult("booking")],
            keyResults: [
                .change(
                    "Confirmar el 90% de las citas en menos de 2 horas", from: 35, to: 90, "%", owner: "marta",
                    reach: 1.08, key: "fastConfirmation",
                    notes: ["La confirmación automática responde al instante en horario de recepción."]),
                .change(
                    "Reducir las cancelaciones un 17% (del 12% al 10%)", from: 12, to: 10, "%", owner: "andres",
                    reach: 1.05, key: "cancellations",
                    notes: [
                        "El recordatorio 24 h antes evita olvidos.",
                        "Las cancelaciones siguen bajando: vamos camino del 17% menos que el trimestre pasado.",
                    ]),
                .keep(
                    .keepBelow, "Mantener la tasa de inasistencia por debajo del 5%", 5, "%", spread: 0.8,
                    owner: "marta", compliance: 1),
            ]),
        ObjectivePlan(
            "care", team: "therapists", owner: "javier",
            title: "Cada sesión empieza a tiempo y termina con el mismo cuidado", supports: [.keyResult("onTime")],
            keyResults: [
                .milestone(
                    "Implantar los 4 pasos del protocolo de cuidado y cierre de sesión", items: 4, done: 4,
                    owner: "javier", key: "protocol",
                    notes: [
                        "Guion de bienvenida común acordado con todas las terapeutas.",
                        "Lista de cierre colgada en todas las cabinas.",
                    ]),
                .change(
                    "Reducir el retraso medio al empezar una sesión de 9 min a 3 min", from: 9, to: 3, "min",
                    owner: "elena", reach: 1.0, key: "delay", decimals: 1,
                    notes: ["Cinco minutos de preparación de cabina entre sesiones, ya en la agenda."]),
                .keep(
                    .keepAbove, "Mantener la satisfacción con el terapeuta en el 90% o más", 90, "%", spread: 3,
                    owner: "javier", compliance: 1),
            ]),
        ObjectivePlan(
            "followUp", team: "aftercare", owner: "carmen",
            title: "Ningún cliente sin seguimiento después de su tratamiento", supports: [.keyResult("reviews")],
            keyResults: [
                .change(
                    "Contactar en 72 h al 90% de los clientes de faciales y terapias", from: 15, to: 90, "%",
                    owner: "carmen", reach: 0.38, key: "contact",
                    notes: ["Empezamos por los faciales; las terapias, el mes que viene."],
                    blockers: [
                        "Solo una persona en seguimiento por las tardes.",
                        "El listado de clientes atendidos nos llega con dos días de retraso.",
                    ]),
                .change(
                    "Subir la respuesta a la encuesta postservicio del 18% al 35%", from: 18, to: 35, "%",
                    owner: "carmen", reach: 1.05),
                .change(
                    "Recuperar a 40 clientes que llevaban cuatro meses sin venir", from: 0, to: 40, "clientes",
                    owner: "carmen", reach: 1.02, key: "winBack",
                    notes: ["La llamada personal funciona mejor que el correo con descuento."]),
            ]),
    ]
}

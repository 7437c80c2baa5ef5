import Foundation
import RumboCore

/// The unit a metric's value is in.
public enum MetricUnit: String, Codable, Sendable {
    case percent, points, minutes, hours, days, score, count, currency, ratio

    /// Milliseconds per unit for durations (values are computed in milliseconds, then divided).
    public var milliseconds: Double? {
        switch self {
        case .minutes: 60_000
        case .hours: 3_600_000
        case .days: 86_400_000
        default: nil
        }
    }
}

/// Which direction of a metric is an improvement.
public enum BetterDirection: String, Codable, Sendable {
    case higher, lower
}

/// How a metric's value, sample size and interval come out of its rows.
public enum MetricStatistic: Sendable, Hashable {
    /// successes / n in percent; Wilson score interval.
    case proportion
    /// 100 × (promoters − detractors) / answers; normal-approximation interval.
    case netScore
    /// The arithmetic mean; mean ± 1.96·s/√n.
    case mean
    /// The nearest-rank percentile p (0 < p ≤ 1); order-statistic interval.
    case percentile(Double)
    /// A count; no interval.
    case count
    /// A ratio of sums in percent (NRR, GRR); no interval.
    case ratioOfSums
    /// A customer-base model estimate (``CustomerBaseMetrics``); no interval.
    case modelEstimate
}

/// One metric of the catalog (DESIGN.md section 4): what it means, exactly.
public struct MetricDefinition: Sendable, Identifiable {
    /// Stable snake_case id (`nps`, `first_response_median`).
    public let id: String
    public let nameEN: String, nameES: String
    /// The exact formula in words: rows, attribution, percentile rule, interval, minimum sample.
    public let definitionEN: String, definitionES: String
    public let unit: MetricUnit
    public let better: BetterDirection
    /// The main table's kind.
    public let kind: DataKind
    /// The day column that places a row in a window (`created_day`).
    public let attribution: String
    /// Allowed filter keys: columns of the main table, and `segment` (via the customers table).
    public let filters: [String]
    /// The smallest sample that shows a value; below it the status is `insufficient`.
    public let minimumSample: Int
    /// Defaults of the tunables (`tau_minutes`, `within_days`, …).
    public let parameters: [String: Double]
    /// How value, n and interval are computed.
    public let statistic: MetricStatistic

    public init(
        id: String, nameEN: String, nameES: String, definitionEN: String, definitionES: String, unit: MetricUnit,
        better: BetterDirection, kind: DataKind, attribution: String, filters: [String], minimumSample: Int,
        parameters: [String: Double], statistic: MetricStatistic
    ) {
        self.id = id
        self.nameEN = nameEN
        self.nameES = nameES
        self.definitionEN = definitionEN
        self.definitionES = definitionES
        self.unit = unit
        self.better = better
        self.kind = kind
        self.attribution = attribution
        self.filters = filters
        self.minimumSample = minimumSample
        self.parameters = parameters
        self.statistic = statistic
    }
}

/// Every metric Rumbo computes from imported data.
public enum MetricCatalog {
    public static func definition(_ id: String) -> MetricDefinition? { byID[id] }

    private static let byID: [String: MetricDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static let all: [MetricDefinition] = surveys + support + appointments + commerce + leads + digital

    // MARK: - Text pieces shared by the definitions

    private static func attributionText(_ kind: DataKind, _ column: String) -> (en: String, es: String) {
        let field = kind.layout.fields.first { $0.dayColumn == column }?.name ?? column
        return (
            "A row belongs to the window containing the local day (organization's time zone) of its \(field).",
            "Una fila cuenta en la ventana que contiene el día local (zona horaria de la organización) de su \(field)."
        )
    }

    private static func statisticText(_ statistic: MetricStatistic, unit: MetricUnit) -> (en: String, es: String) {
        switch statistic {
        case .proportion:
            return (
                "In percent (0–100). 95% interval: Wilson score interval (z = 1.96).",
                "En porcentaje (0–100). Intervalo del 95 %: intervalo de Wilson (z = 1,96)."
            )
        case .netScore:
            return (
                "From −100 to 100. 95% interval: normal approximation, var = (p + d − (p − d)²) / n with p and d the shares of promoters and detractors, 100 × (score ± 1.96·√var), clamped to [−100, 100].",
                "De −100 a 100. Intervalo del 95 %: aproximación normal, var = (p + d − (p − d)²) / n con p y d las proporciones de promotores y detractores, 100 × (puntuación ± 1,96·√var), acotado a [−100, 100]."
            )
        case .mean:
            return (
                "95% interval: mean ± 1.96·s/√n, s the sample standard deviation (only when n ≥ 2).",
                "Intervalo del 95 %: media ± 1,96·s/√n, s la desviación típica muestral (solo si n ≥ 2)."
            )
        case .percentile(let p):
            let pct = Int((p * 100).rounded())
            return (
                "Nearest-rank percentile: the value at rank ceil(\(p)·n) of the n values sorted ascending (p\(pct)). 95% interval: the values at ranks round(n·p − 1.96·√(n·p·(1−p))) and round(1 + n·p + 1.96·√(n·p·(1−p))), clamped to [1, n] (distribution-free order statistics, Campbell & Gardner).",
                "Percentil por rango más cercano: el valor en la posición ceil(\(p)·n) de los n valores ordenados de menor a mayor (p\(pct)). Intervalo del 95 %: los valores en las posiciones round(n·p − 1,96·√(n·p·(1−p))) y round(1 + n·p + 1,96·√(n·p·(1−p))), acotadas a [1, n] (estadísticos de orden sin supuestos de distribución, Campbell y Gardner)."
            )
        case .count:
            return ("A count; no interval.", "Un recuento; sin intervalo.")
        case .ratioOfSums:
            return ("In percent; no interval.", "En porcentaje; sin intervalo.")
        case .modelEstimate:
            return (
                "A model estimate: Pareto/NBD (and Gamma-Gamma for spend) fitted by maximum likelihood, in weeks, on every order up to the query's last day or today, whichever is earlier; each window evaluates, with those parameters, the customers whose first order is on or before its last day, on their history up to that day. n = those customers. No interval; no value when the models cannot be fitted (too few customers or repeat buyers).",
                "Una estimación de modelo: Pareto/NBD (y Gamma-Gamma para el gasto) ajustado por máxima verosimilitud, en semanas, con todos los pedidos hasta el último día de la consulta o hoy, lo que sea antes; cada ventana evalúa, con esos parámetros, a los clientes cuyo primer pedido es de su último día o anterior, con su historia hasta ese día. n = esos clientes. Sin intervalo; sin valor si los modelos no se pueden ajustar (pocos clientes o pocas recompras)."
            )
        }
    }

    private static func make(
        _ id: String, en: String, es: String, unit: MetricUnit, better: BetterDirection, kind: DataKind, attribution: String,
        filters: [String], minimumSample: Int, parameters: [String: Double] = [:], statistic: MetricStatistic,
        formulaEN: String, formulaES: String
    ) -> MetricDefinition {
        let a = attributionText(kind, attribution)
        let s = statisticText(statistic, unit: unit)
        let nEN = "Shown from n ≥ \(minimumSample) (below: insufficient sample); n = 0 is no data, never 0."
        let nES = "Se muestra desde n ≥ \(minimumSample) (por debajo: muestra insuficiente); n = 0 es sin datos, nunca 0."
        return MetricDefinition(
            id: id, nameEN: en, nameES: es, definitionEN: [formulaEN, a.en, s.en, nEN].joined(separator: " "),
            definitionES: [formulaES, a.es, s.es, nES].joined(separator: " "), unit: unit, better: better, kind: kind,
            attribution: attribution, filters: filters, minimumSample: minimumSample, parameters: parameters, statistic: statistic)
    }

    // MARK: - Surveys and reviews

    static let surveyFilters = ["touchpoint", "segment"]

    static let surveys: [MetricDefinition] = [
        make(
            "nps", en: "Net Promoter Score", es: "Net Promoter Score (NPS)", unit: .points, better: .higher, kind: .surveys,
            attribution: "answered_day", filters: surveyFilters, minimumSample: 10, statistic: .netScore,
            formulaEN: "NPS answers (kind nps, 0–10): 100 × (promoters (9–10) − detractors (0–6)) / answers; n = answers.",
            formulaES: "Respuestas NPS (kind nps, 0–10): 100 × (promotores (9–10) − detractores (0–6)) / respuestas; n = respuestas."),
        make(
            "enps", en: "Employee NPS", es: "eNPS (satisfacción interna)", unit: .points, better: .higher, kind: .surveys,
            attribution: "answered_day", filters: ["touchpoint"], minimumSample: 10, statistic: .netScore,
            formulaEN: "Employee answers (kind enps, 0–10): 100 × (promoters (9–10) − detractors (0–6)) / answers; n = answers.",
            formulaES: "Respuestas de empleados (kind enps, 0–10): 100 × (promotores (9–10) − detractores (0–6)) / respuestas; n = respuestas."),
        make(
            "csat", en: "CSAT (top-2-box)", es: "CSAT (satisfechos, 4–5)", unit: .percent, better: .higher, kind: .surveys,
            attribution: "answered_day", filters: surveyFilters, minimumSample: 10, statistic: .proportion,
            formulaEN: "CSAT answers (kind csat, 1–5): answers ≥ 4 / answers (a 3 is not satisfied).",
            formulaES: "Respuestas CSAT (kind csat, 1–5): respuestas ≥ 4 / respuestas (un 3 no es satisfecho)."),
        make(
            "csat_mean", en: "CSAT mean", es: "CSAT medio", unit: .score, better: .higher, kind: .surveys,
            attribution: "answered_day", filters: surveyFilters, minimumSample: 10, statistic: .mean,
            formulaEN: "The mean of CSAT answers (kind csat, 1–5).",
            formulaES: "La media de las respuestas CSAT (kind csat, 1–5)."),
        make(
            "ces_mean", en: "Customer Effort Score (mean)", es: "Customer Effort Score (media)", unit: .score, better: .higher,
            kind: .surveys, attribution: "answered_day", filters: surveyFilters, minimumSample: 10, statistic: .mean,
            formulaEN: "The mean of CES answers on the CES 2.0 scale (kind ces, 1–7, higher is easier).",
            formulaES: "La media de las respuestas CES en la escala CES 2.0 (kind ces, 1–7, más alto es más fácil)."),
        make(
            "ces_easy", en: "Easy experiences (CES ≥ 5)", es: "Experiencias fáciles (CES ≥ 5)", unit: .percent, better: .higher,
            kind: .surveys, attribution: "answered_day", filters: surveyFilters, minimumSample: 10, statistic: .proportion,
            formulaEN: "CES answers (kind ces, 1–7, higher is easier): answers ≥ 5 / answers.",
            formulaES: "Respuestas CES (kind ces, 1–7, más alto es más fácil): respuestas ≥ 5 / respuestas."),
        make(
            "survey_response_rate", en: "Survey response rate", es: "Tasa de respuesta de encuestas", unit: .percent,
            better: .higher, kind: .surveys, attribution: "sent_day", filters: ["kind", "touchpoint", "segment"], minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Invitations delivered (rows with sent_at) that were answered (answered_at set, at any time) / invitations delivered; answers without an invitation are left out. Filter kind to one survey (nps, csat, ces, enps).",
            formulaES: "Invitaciones entregadas (filas con sent_at) que se respondieron (con answered_at, en cualquier momento) / invitaciones entregadas; las respuestas sin invitación no cuentan. Filtra kind para una sola encuesta (nps, csat, ces, enps)."),
        make(
            "favourable_reviews", en: "Favourable reviews", es: "Reseñas favorables", unit: .percent, better: .higher,
            kind: .reviews, attribution: "reviewed_day", filters: ["platform", "service", "segment"], minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Reviews that are favourable / reviews: the platform's own positive flag when the row has one, otherwise rating ≥ 4 of 5.",
            formulaES: "Reseñas favorables / reseñas: la marca positiva de la propia plataforma cuando la fila la tiene; si no, valoración ≥ 4 de 5."),
        make(
            "review_rating_mean", en: "Average review rating", es: "Valoración media de reseñas", unit: .score, better: .higher,
            kind: .reviews, attribution: "reviewed_day", filters: ["platform", "service", "segment"], minimumSample: 5,
            statistic: .mean,
            formulaEN: "The mean star rating (1–5) of the reviews.",
            formulaES: "La media de estrellas (1–5) de las reseñas."),
    ]

    // MARK: - Support

    static let ticketFilters = ["channel", "priority", "team", "segment"]

    static let support: [MetricDefinition] = [
        make(
            "first_response_median", en: "First response time (median)", es: "Tiempo de primera respuesta (mediana)",
            unit: .minutes, better: .lower, kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 5,
            statistic: .percentile(0.5),
            formulaEN: "Tickets with a first response: first_response_at (first public reply by a human agent) − created_at, in minutes of calendar time; tickets without a response are left out.",
            formulaES: "Tickets con primera respuesta: first_response_at (primera respuesta pública de un agente) − created_at, en minutos de tiempo natural; los tickets sin respuesta no cuentan."),
        make(
            "first_response_p90", en: "First response time (p90)", es: "Tiempo de primera respuesta (p90)",
            unit: .minutes, better: .lower, kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 10,
            statistic: .percentile(0.9),
            formulaEN: "Tickets with a first response: first_response_at − created_at, in minutes of calendar time.",
            formulaES: "Tickets con primera respuesta: first_response_at − created_at, en minutos de tiempo natural."),
        make(
            "first_response_mean", en: "First response time (mean)", es: "Tiempo de primera respuesta (media)",
            unit: .minutes, better: .lower, kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 5,
            statistic: .mean,
            formulaEN: "Tickets with a first response: the mean of first_response_at − created_at, in minutes of calendar time.",
            formulaES: "Tickets con primera respuesta: la media de first_response_at − created_at, en minutos de tiempo natural."),
        make(
            "resolution_median", en: "Resolution time (median)", es: "Tiempo de resolución (mediana)", unit: .hours,
            better: .lower, kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 5,
            statistic: .percentile(0.5),
            formulaEN: "Resolved tickets: resolved_at (first resolution) − created_at, in hours of calendar time.",
            formulaES: "Tickets resueltos: resolved_at (primera resolución) − created_at, en horas de tiempo natural."),
        make(
            "resolution_p90", en: "Resolution time (p90)", es: "Tiempo de resolución (p90)", unit: .hours, better: .lower,
            kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 10, statistic: .percentile(0.9),
            formulaEN: "Resolved tickets: resolved_at (first resolution) − created_at, in hours of calendar time.",
            formulaES: "Tickets resueltos: resolved_at (primera resolución) − created_at, en horas de tiempo natural."),
        make(
            "resolution_mean", en: "Resolution time (mean)", es: "Tiempo de resolución (media)", unit: .hours, better: .lower,
            kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 5, statistic: .mean,
            formulaEN: "Resolved tickets: the mean of resolved_at (first resolution) − created_at, in hours of calendar time.",
            formulaES: "Tickets resueltos: la media de resolved_at (primera resolución) − created_at, en horas de tiempo natural."),
        make(
            "first_contact_resolution", en: "First contact resolution", es: "Resolución al primer contacto", unit: .percent,
            better: .higher, kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 10,
            parameters: ["min_replies": 1, "max_replies": 1], statistic: .proportion,
            formulaEN: "Resolved tickets with min_replies ≤ agent_replies ≤ max_replies (default exactly 1) and never reopened (reopened empty counts as not reopened) / resolved tickets whose agent_replies is known. min_replies = 0 gives \"fewer than 2 replies\".",
            formulaES: "Tickets resueltos con min_replies ≤ agent_replies ≤ max_replies (por defecto exactamente 1) y nunca reabiertos (reopened vacío cuenta como no reabierto) / tickets resueltos con agent_replies conocido. min_replies = 0 da \"menos de 2 respuestas\"."),
        make(
            "sla_attainment", en: "SLA attainment (first response)", es: "Cumplimiento del SLA (primera respuesta)",
            unit: .percent, better: .higher, kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Tickets with a first-response target (sla_first_response_min): met = first_response_at − created_at ≤ target (exactly the target is met); breached = a later first response, or none while asOf − created_at > target; a ticket with no response and asOf − created_at ≤ target is still running and left out. met / (met + breached).",
            formulaES: "Tickets con objetivo de primera respuesta (sla_first_response_min): cumplido = first_response_at − created_at ≤ objetivo (justo el objetivo cumple); incumplido = una respuesta posterior, o ninguna con asOf − created_at > objetivo; un ticket sin respuesta con asOf − created_at ≤ objetivo sigue en curso y no cuenta. cumplidos / (cumplidos + incumplidos)."),
        make(
            "escalation_rate", en: "Escalation rate", es: "Tasa de escalado", unit: .percent, better: .lower, kind: .tickets,
            attribution: "created_day", filters: ticketFilters, minimumSample: 10, statistic: .proportion,
            formulaEN: "Tickets escalated (transfer to tier 2, or bot → human) / tickets whose escalated flag is known.",
            formulaES: "Tickets escalados (paso a nivel 2, o de bot a persona) / tickets con el indicador escalated conocido."),
        make(
            "unanswered_requests", en: "Unanswered requests", es: "Solicitudes sin respuesta", unit: .count, better: .lower,
            kind: .tickets, attribution: "created_day", filters: ticketFilters, minimumSample: 1,
            parameters: ["older_than_hours": 24], statistic: .count,
            formulaEN: "Tickets of the window with no first_response_at and no resolved_at whose age at asOf (asOf − created_at) is more than older_than_hours (default 24); n = tickets of the window.",
            formulaES: "Tickets de la ventana sin first_response_at ni resolved_at cuya antigüedad en asOf (asOf − created_at) supera older_than_hours (24 por defecto); n = tickets de la ventana."),
    ]

    // MARK: - Appointments

    static let appointmentFilters = ["service", "team", "segment"]

    static let appointments: [MetricDefinition] = [
        make(
            "confirmation_time_mean", en: "Time to confirm an appointment (mean)", es: "Tiempo de confirmación de citas (media)",
            unit: .hours, better: .lower, kind: .appointments, attribution: "scheduled_day", filters: appointmentFilters,
            minimumSample: 5, statistic: .mean,
            formulaEN: "Appointments with requested_at and confirmed_at: the mean of confirmed_at − requested_at, in hours of calendar time.",
            formulaES: "Citas con requested_at y confirmed_at: la media de confirmed_at − requested_at, en horas de tiempo natural."),
        make(
            "confirmation_time_median", en: "Time to confirm an appointment (median)",
            es: "Tiempo de confirmación de citas (mediana)", unit: .hours, better: .lower, kind: .appointments,
            attribution: "scheduled_day", filters: appointmentFilters, minimumSample: 5, statistic: .percentile(0.5),
            formulaEN: "Appointments with requested_at and confirmed_at: confirmed_at − requested_at, in hours of calendar time.",
            formulaES: "Citas con requested_at y confirmed_at: confirmed_at − requested_at, en horas de tiempo natural."),
        make(
            "confirmation_time_p90", en: "Time to confirm an appointment (p90)", es: "Tiempo de confirmación de citas (p90)",
            unit: .hours, better: .lower, kind: .appointments, attribution: "scheduled_day", filters: appointmentFilters,
            minimumSample: 10, statistic: .percentile(0.9),
            formulaEN: "Appointments with requested_at and confirmed_at: confirmed_at − requested_at, in hours of calendar time.",
            formulaES: "Citas con requested_at y confirmed_at: confirmed_at − requested_at, en horas de tiempo natural."),
        make(
            "on_time_start_rate", en: "On-time start rate", es: "Citas que empiezan puntuales", unit: .percent,
            better: .higher, kind: .appointments, attribution: "scheduled_day", filters: appointmentFilters, minimumSample: 10,
            parameters: ["tau_minutes": 5], statistic: .proportion,
            formulaEN: "Held appointments (status completed with actual_start) that started on time (actual_start − scheduled_start ≤ tau_minutes, default 5; early starts are on time) / held appointments.",
            formulaES: "Citas realizadas (estado completed con actual_start) que empezaron a tiempo (actual_start − scheduled_start ≤ tau_minutes, 5 por defecto; empezar antes es a tiempo) / citas realizadas."),
        make(
            "cancellation_rate", en: "Cancellation rate", es: "Tasa de cancelación", unit: .percent, better: .lower,
            kind: .appointments, attribution: "scheduled_day", filters: appointmentFilters, minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Appointments with status cancelled / all appointments scheduled in the window (any status).",
            formulaES: "Citas con estado cancelled / todas las citas programadas en la ventana (cualquier estado)."),
        make(
            "late_cancellation_rate", en: "Late cancellation rate", es: "Tasa de cancelación tardía", unit: .percent,
            better: .lower, kind: .appointments, attribution: "scheduled_day", filters: appointmentFilters, minimumSample: 10,
            parameters: ["late_hours": 24], statistic: .proportion,
            formulaEN: "Cancelled appointments with cancelled_at less than late_hours (default 24) before scheduled_start (scheduled_start − cancelled_at < late_hours; after the start is late too) / all appointments scheduled in the window. A cancellation without cancelled_at is not late.",
            formulaES: "Citas canceladas con cancelled_at a menos de late_hours (24 por defecto) de scheduled_start (scheduled_start − cancelled_at < late_hours; después del inicio también es tardía) / todas las citas programadas en la ventana. Una cancelación sin cancelled_at no es tardía."),
        make(
            "no_show_rate", en: "No-show rate", es: "Tasa de no presentados", unit: .percent, better: .lower,
            kind: .appointments, attribution: "scheduled_day", filters: appointmentFilters, minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Appointments with status no_show / appointments that were due to be attended (status completed or no_show); cancelled and still scheduled ones are left out.",
            formulaES: "Citas con estado no_show / citas a las que se debía acudir (estado completed o no_show); las canceladas y las aún programadas no cuentan."),
    ]

    // MARK: - Commerce and retention

    static let commerce: [MetricDefinition] = [
        make(
            "repurchase_rate", en: "Repurchase rate", es: "Tasa de recompra", unit: .percent, better: .higher, kind: .orders,
            attribution: "placed_day", filters: ["service", "segment"], minimumSample: 10, statistic: .proportion,
            formulaEN: "Customers with ≥ 2 orders placed in the window / customers with ≥ 1 (orders are rows; two on one day are two).",
            formulaES: "Clientes con ≥ 2 pedidos en la ventana / clientes con ≥ 1 (cada fila es un pedido; dos el mismo día son dos)."),
        make(
            "average_order_value", en: "Average order value", es: "Ticket medio", unit: .currency, better: .higher,
            kind: .orders, attribution: "placed_day", filters: ["service", "segment"], minimumSample: 5, statistic: .mean,
            formulaEN: "The mean amount of the orders placed in the window.",
            formulaES: "El importe medio de los pedidos de la ventana."),
        make(
            "followup_coverage", en: "Post-sale follow-up coverage", es: "Cobertura del seguimiento posventa", unit: .percent,
            better: .higher, kind: .orders, attribution: "placed_day", filters: ["service", "segment"], minimumSample: 10,
            parameters: ["within_days": 30], statistic: .proportion,
            formulaEN: "Customers who purchased in the window and have an activity event of kind contact at most within_days (default 30) after one of those purchases (placed_at ≤ occurred_at ≤ placed_at + within_days) / customers who purchased in the window. Immature (provisional value) while the window's last purchase is younger than within_days at asOf.",
            formulaES: "Clientes que compraron en la ventana y tienen un evento de tipo contact como mucho within_days (30 por defecto) después de una de esas compras (placed_at ≤ occurred_at ≤ placed_at + within_days) / clientes que compraron en la ventana. Inmadura (valor provisional) mientras la última compra de la ventana tenga menos de within_days en asOf."),
        make(
            "active_customers", en: "Active customer base", es: "Base de clientes activos", unit: .percent, better: .higher,
            kind: .orders, attribution: "placed_day", filters: ["segment"], minimumSample: 30, statistic: .modelEstimate,
            formulaEN: "The mean probability that a customer is still active (P(alive), Pareto/NBD), over the customers who had ordered by the window's last day.",
            formulaES: "La probabilidad media de que un cliente siga activo (P(vivo), Pareto/NBD) entre los clientes que habían comprado hasta el último día de la ventana."),
        make(
            "customers_at_risk", en: "Customers at risk", es: "Clientes en riesgo", unit: .percent, better: .lower, kind: .orders,
            attribution: "placed_day", filters: ["segment"], minimumSample: 30, parameters: ["threshold": 0.5], statistic: .modelEstimate,
            formulaEN: "Customers whose P(alive) (Pareto/NBD) at the window's last day is below threshold (default 0.5) / customers who had ordered by then.",
            formulaES: "Clientes cuya P(vivo) (Pareto/NBD) en el último día de la ventana está por debajo de threshold (0,5 por defecto) / clientes que habían comprado hasta entonces."),
        make(
            "customer_value", en: "Expected value per customer", es: "Valor esperado por cliente", unit: .currency, better: .higher,
            kind: .orders, attribution: "placed_day", filters: ["segment"], minimumSample: 30, parameters: ["horizon_weeks": 52],
            statistic: .modelEstimate,
            formulaEN: "The mean over customers of their expected spend in the next horizon_weeks (default 52) after the window's last day: Gamma-Gamma spend per purchase × Pareto/NBD expected purchases (undiscounted CLV at 100% margin).",
            formulaES: "La media entre clientes de su gasto esperado en las horizon_weeks (52 por defecto) siguientes al último día de la ventana: gasto por compra de Gamma-Gamma × compras esperadas de Pareto/NBD (CLV sin descontar, con margen del 100 %)."),
        make(
            "churn_rate", en: "Customer churn (contractual)", es: "Tasa de bajas (contractual)", unit: .percent,
            better: .lower, kind: .subscriptions, attribution: "effective_day", filters: ["segment"], minimumSample: 10,
            statistic: .proportion,
            formulaEN: "A customer's MRR at an instant is the mrr of their latest change (by effective_at) at or before it, 0 if none. Customers with MRR > 0 before the window's first day whose MRR at the end of its last day is 0 / customers with MRR > 0 before the first day; customers new in the window are left out. Monthly ↔ annual: 1 − (1 − m)^12.",
            formulaES: "El MRR de un cliente en un instante es el mrr de su último cambio (por effective_at) hasta ese instante, 0 si no hay. Clientes con MRR > 0 antes del primer día de la ventana cuyo MRR al final del último día es 0 / clientes con MRR > 0 antes del primer día; los clientes nuevos de la ventana no cuentan. Mensual ↔ anual: 1 − (1 − m)^12."),
        make(
            "retention_rate", en: "Customer retention (cohort)", es: "Retención de clientes (cohorte)", unit: .percent,
            better: .higher, kind: .subscriptions, attribution: "effective_day", filters: ["segment"], minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Customers with MRR > 0 before the window's first day whose MRR at the end of its last day is still > 0 / customers with MRR > 0 before the first day (MRR as in churn_rate).",
            formulaES: "Clientes con MRR > 0 antes del primer día de la ventana cuyo MRR al final del último día sigue > 0 / clientes con MRR > 0 antes del primer día (MRR como en churn_rate)."),
        make(
            "nrr", en: "Net revenue retention", es: "Retención neta de ingresos (NRR)", unit: .percent, better: .higher,
            kind: .subscriptions, attribution: "effective_day", filters: ["segment"], minimumSample: 5, statistic: .ratioOfSums,
            formulaEN: "For customers with MRR > 0 before the window's first day: their total MRR at the end of its last day (expansion, contraction and churn included) / their total MRR before the first day × 100; n = those customers.",
            formulaES: "Para los clientes con MRR > 0 antes del primer día de la ventana: su MRR total al final del último día (con ampliaciones, reducciones y bajas) / su MRR total antes del primer día × 100; n = esos clientes."),
        make(
            "grr", en: "Gross revenue retention", es: "Retención bruta de ingresos (GRR)", unit: .percent, better: .higher,
            kind: .subscriptions, attribution: "effective_day", filters: ["segment"], minimumSample: 5, statistic: .ratioOfSums,
            formulaEN: "As nrr, but each customer's end MRR is capped at their start MRR (expansion ignored): Σ min(end, start) / Σ start × 100.",
            formulaES: "Como nrr, pero el MRR final de cada cliente se limita a su MRR inicial (sin ampliaciones): Σ min(final, inicial) / Σ inicial × 100."),
    ]

    // MARK: - Leads

    static let leadFilters = ["channel", "segment"]

    static let leads: [MetricDefinition] = [
        make(
            "lead_response_median", en: "Lead response time (median)", es: "Tiempo de respuesta a leads (mediana)",
            unit: .minutes, better: .lower, kind: .leads, attribution: "created_day", filters: leadFilters, minimumSample: 5,
            statistic: .percentile(0.5),
            formulaEN: "Leads with a first contact attempt: first_contact_at − created_at, in minutes of calendar time.",
            formulaES: "Leads con un primer intento de contacto: first_contact_at − created_at, en minutos de tiempo natural."),
        make(
            "lead_response_p90", en: "Lead response time (p90)", es: "Tiempo de respuesta a leads (p90)", unit: .minutes,
            better: .lower, kind: .leads, attribution: "created_day", filters: leadFilters, minimumSample: 10,
            statistic: .percentile(0.9),
            formulaEN: "Leads with a first contact attempt: first_contact_at − created_at, in minutes of calendar time.",
            formulaES: "Leads con un primer intento de contacto: first_contact_at − created_at, en minutos de tiempo natural."),
        make(
            "lead_response_within_5min", en: "Leads answered within 5 minutes", es: "Leads atendidos en 5 minutos",
            unit: .percent, better: .higher, kind: .leads, attribution: "created_day", filters: leadFilters, minimumSample: 10,
            parameters: ["within_minutes": 5], statistic: .proportion,
            formulaEN: "Leads first contacted within within_minutes (default 5; first_contact_at − created_at ≤ it) / leads, where a lead not yet contacted counts as late once asOf − created_at > within_minutes and is left out before (still running).",
            formulaES: "Leads contactados en within_minutes (5 por defecto; first_contact_at − created_at ≤ ese plazo) / leads; un lead aún sin contactar cuenta como tarde cuando asOf − created_at > within_minutes y antes no cuenta (en curso)."),
        make(
            "lead_response_within_1h", en: "Leads answered within 1 hour", es: "Leads atendidos en 1 hora", unit: .percent,
            better: .higher, kind: .leads, attribution: "created_day", filters: leadFilters, minimumSample: 10,
            parameters: ["within_minutes": 60], statistic: .proportion,
            formulaEN: "Leads first contacted within within_minutes (default 60; first_contact_at − created_at ≤ it) / leads, where a lead not yet contacted counts as late once asOf − created_at > within_minutes and is left out before (still running).",
            formulaES: "Leads contactados en within_minutes (60 por defecto; first_contact_at − created_at ≤ ese plazo) / leads; un lead aún sin contactar cuenta como tarde cuando asOf − created_at > within_minutes y antes no cuenta (en curso)."),
        make(
            "handoff_quality", en: "Lead handoff quality", es: "Calidad del traspaso de leads", unit: .percent,
            better: .higher, kind: .leads, attribution: "created_day", filters: leadFilters, minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Leads handed to sales (handed_off_at set) complete and correctly classified (handoff_ok true) / leads handed to sales whose handoff_ok is known.",
            formulaES: "Leads traspasados a ventas (con handed_off_at) completos y bien clasificados (handoff_ok verdadero) / leads traspasados con handoff_ok conocido."),
        make(
            "conversion_rate", en: "Lead conversion rate", es: "Tasa de conversión de leads", unit: .percent,
            better: .higher, kind: .leads, attribution: "created_day", filters: leadFilters, minimumSample: 10,
            parameters: ["within_days": 30], statistic: .proportion,
            formulaEN: "Leads of the window converted within within_days (default 30; converted_at − created_at ≤ it) / leads of the window. Immature (provisional value) while the window's newest lead is younger than within_days at asOf.",
            formulaES: "Leads de la ventana convertidos en within_days (30 por defecto; converted_at − created_at ≤ ese plazo) / leads de la ventana. Inmadura (valor provisional) mientras el lead más reciente de la ventana tenga menos de within_days en asOf."),
    ]

    // MARK: - Digital experience

    static let digital: [MetricDefinition] = [
        make(
            "self_service_success", en: "Self-service success", es: "Éxito del autoservicio", unit: .percent, better: .higher,
            kind: .events, attribution: "occurred_day", filters: ["name", "segment"], minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Self-service sessions (events of kind self_service) with outcome success / self-service sessions with an outcome.",
            formulaES: "Sesiones de autoservicio (eventos de tipo self_service) con resultado success / sesiones de autoservicio con resultado."),
        make(
            "chatbot_escalation_rate", en: "Chatbot escalation rate", es: "Tasa de escalado del chatbot", unit: .percent,
            better: .lower, kind: .events, attribution: "occurred_day", filters: ["name", "segment"], minimumSample: 10,
            statistic: .proportion,
            formulaEN: "Chatbot sessions (events of kind chatbot_session) with outcome escalated / all chatbot sessions.",
            formulaES: "Sesiones de chatbot (eventos de tipo chatbot_session) con resultado escalated / todas las sesiones de chatbot."),
        make(
            "onboarding_completion", en: "Onboarding completed in time", es: "Onboarding completado a tiempo", unit: .percent,
            better: .higher, kind: .customers, attribution: "created_day", filters: ["segment"], minimumSample: 10,
            parameters: ["within_days": 14], statistic: .proportion,
            formulaEN: "Customers created in the window with an onboarding_completed event at most within_days (default 14) after created_at (occurred_at ≤ created_at + within_days; one before created_at counts) / customers created in the window. Immature (provisional value) while the window's newest customer is younger than within_days at asOf.",
            formulaES: "Clientes creados en la ventana con un evento onboarding_completed como mucho within_days (14 por defecto) después de created_at (occurred_at ≤ created_at + within_days; uno anterior a created_at cuenta) / clientes creados en la ventana. Inmadura (valor provisional) mientras el cliente más reciente de la ventana tenga menos de within_days en asOf."),
    ]
}

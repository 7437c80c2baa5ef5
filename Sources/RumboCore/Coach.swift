import Foundation

/// One thing the OKR coach points out, with a stable rule id and the explanation in both languages.
public struct CoachFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning, info

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    }

    /// What the finding is about.
    public enum Subject: String, Sendable, Hashable, Codable {
        case keyResult = "key_result", objective, team
    }

    public var rule: String
    public var severity: Severity
    public var subject: Subject
    public var subjectID: String
    /// The title or name of the subject, for people.
    public var subjectTitle: String
    public var messageEN: String
    public var messageES: String

    public func message(in language: Language) -> String { language == .spanish ? messageES : messageEN }
}

/// The OKR coach (DESIGN.md section 1.8): rules about how OKRs are written and kept, each with a
/// stable id, a severity and an explanation in Spanish and English. Pure: it reads a cycle's data.
public enum OKRCoach {
    /// Every rule: id, severity and what it checks (the ids are stable; tools may filter on them).
    public static let rules: [(id: String, severity: CoachFinding.Severity, en: String, es: String)] = [
        ("kr_not_measurable", .error, "A key result needs a baseline, a target and dates.", "Un resultado clave necesita línea base, meta y fechas."),
        ("kr_without_number", .warning, "A key result's wording names no number.", "El enunciado de un resultado clave no tiene ninguna cifra."),
        ("kr_is_task", .warning, "A task disguised as a key result.", "Una tarea disfrazada de resultado clave."),
        ("objective_has_numbers", .warning, "An objective with numbers in it.", "Un objetivo con cifras."),
        ("too_many_objectives", .warning, "More than five objectives for a team in a cycle.", "Más de cinco objetivos para un equipo en un ciclo."),
        ("too_few_key_results", .warning, "Fewer than two key results in an objective.", "Menos de dos resultados clave en un objetivo."),
        ("too_many_key_results", .warning, "More than five key results in an objective.", "Más de cinco resultados clave en un objetivo."),
        ("objective_not_aligned", .warning, "A team objective aligned with nothing of the company's.", "Un objetivo de equipo sin alinear con nada de la empresa."),
        ("not_ambitious", .info, "A team that hit 100% in each of its last cycles.", "Un equipo que logró el 100 % en cada uno de sus últimos ciclos."),
        ("kr_without_initiative", .info, "A key result with no initiative.", "Un resultado clave sin iniciativas."),
        ("speed_without_guardrail", .warning, "A speed goal with no quality guardrail.", "Una meta de velocidad sin salvaguarda de calidad."),
        ("stale_check_in", .warning, "No check-in for more than 7 days.", "Sin check-in desde hace más de 7 días."),
    ]

    /// Words that open a task rather than an outcome.
    static let taskVerbs = [
        "launch", "implement", "create", "build", "deploy", "migrate", "set up", "write", "design", "develop", "roll out", "introduce",
        "lanzar", "implementar", "crear", "construir", "desplegar", "migrar", "configurar", "escribir", "diseñar", "desarrollar",
        "poner en marcha", "implantar", "hacer", "organizar",
    ]
    /// A response or resolution time goal.
    static let speedTerms = [
        "response time", "first response", "resolution time", "time to resolve", "time to respond", "tiempo de respuesta",
        "primera respuesta", "tiempo de resolución", "tiempo de resolucion", "tiempo para resolver", "first_response", "resolution_",
    ]
    /// A quality guardrail for a speed goal.
    static let qualityTerms = [
        "csat", "satisf", "fcr", "first contact resolution", "primer contacto", "resolución en el primer", "nps", "reopen", "reabiert",
        "first_contact_resolution",
    ]

    /// Reviews a cycle's OKRs as of `today`.
    ///
    /// - Parameters:
    ///   - pastGrades: per team id, the mean key-result grade of each of its previous closed cycles
    ///     (oldest first); a team with at least two, all at 100%, is not ambitious.
    ///   - metricIDs: the metric each bound key result follows (a speed metric counts as speed).
    public static func review(
        _ data: CycleData, today: LocalDate, pastGrades: [String: [Double]] = [:], metricIDs: [String: String] = [:]
    ) -> [CoachFinding] {
        var findings: [CoachFinding] = []
        func add(_ rule: String, _ subject: CoachFinding.Subject, _ id: String, _ title: String, _ en: String, _ es: String) {
            let severity = rules.first { $0.id == rule }!.severity
            findings.append(
                CoachFinding(rule: rule, severity: severity, subject: subject, subjectID: id, subjectTitle: title, messageEN: en, messageES: es))
        }
        let rootTeams = Set(data.teams.filter { $0.parentID == nil }.map(\.id))
        let initiativeKRs = Set(data.initiatives.filter { $0.status != .cancelled }.flatMap(\.keyResultIDs))
        let stale = Dictionary(uniqueKeysWithValues: data.staleKeyResults(today: today).map { ($0.keyResult.id, $0) })

        for team in data.teams {
            let objectives = data.objectives.filter { $0.teamID == team.id }
            if objectives.count > 5 {
                add(
                    "too_many_objectives", .team, team.id, team.name,
                    "\(team.name) has \(objectives.count) objectives this cycle; three to five keep a team focused. Merge or drop the least important.",
                    "\(team.name) tiene \(objectives.count) objetivos en este ciclo; de tres a cinco mantienen al equipo enfocado. Une o descarta los menos importantes.")
            }
            if let grades = pastGrades[team.id], grades.count >= 2, grades.allSatisfy({ $0 >= 0.999 }), !objectives.isEmpty {
                add(
                    "not_ambitious", .team, team.id, team.name,
                    "\(team.name) reached 100% in each of its last \(grades.count) cycles: the targets may be too safe. For stretch goals 0.6–0.7 is success; aim higher.",
                    "\(team.name) logró el 100 % en cada uno de sus últimos \(grades.count) ciclos: quizá las metas son demasiado seguras. En metas ambiciosas, 0,6–0,7 ya es éxito; apunta más alto.")
            }
        }

        for objective in data.objectives {
            let title = objective.title
            if title.contains(where: \.isNumber) || title.contains("%") {
                add(
                    "objective_has_numbers", .objective, objective.id, title,
                    "«\(title)» has numbers in it. An objective says what and why in words; the numbers belong in its key results.",
                    "«\(title)» tiene cifras. Un objetivo dice qué y por qué con palabras; las cifras van en sus resultados clave.")
            }
            let keyResults = data.keyResults.filter { $0.objectiveID == objective.id }
            if keyResults.count < 2 {
                add(
                    "too_few_key_results", .objective, objective.id, title,
                    "«\(title)» has \(keyResults.count) key result\(keyResults.count == 1 ? "" : "s"); two to five show whether it is being reached from more than one angle.",
                    "«\(title)» tiene \(keyResults.count) resultado\(keyResults.count == 1 ? "" : "s") clave; de dos a cinco muestran desde más de un ángulo si se está logrando.")
            } else if keyResults.count > 5 {
                add(
                    "too_many_key_results", .objective, objective.id, title,
                    "«\(title)» has \(keyResults.count) key results; more than five dilutes the focus. Keep the ones that best show the outcome.",
                    "«\(title)» tiene \(keyResults.count) resultados clave; más de cinco diluyen el foco. Quédate con los que mejor muestran el resultado.")
            }
            if !rootTeams.contains(objective.teamID), objective.alignments.isEmpty {
                add(
                    "objective_not_aligned", .objective, objective.id, title,
                    "«\(title)» supports no company objective or key result. Align it, so everyone sees why it matters.",
                    "«\(title)» no apoya ningún objetivo ni resultado clave de la empresa. Alinéalo para que todos vean por qué importa.")
            }
            // The guardrail may be any key result of the same team this cycle.
            let teamObjectives = Set(data.objectives.filter { $0.teamID == objective.teamID }.map(\.id))
            let hasGuardrail = data.keyResults.filter { teamObjectives.contains($0.objectiveID) }.contains { kr in
                let text = (kr.title + " " + (metricIDs[kr.id] ?? "")).lowercased()
                return qualityTerms.contains { text.contains($0) }
            }
            for kr in keyResults where !hasGuardrail {
                let text = (kr.title + " " + (metricIDs[kr.id] ?? "")).lowercased()
                guard speedTerms.contains(where: { text.contains($0) }) else { continue }
                add(
                    "speed_without_guardrail", .keyResult, kr.id, kr.title,
                    "«\(kr.title)» pushes for speed with no quality guardrail in its team's OKRs: add a CSAT or first-contact-resolution key result, so faster does not mean worse.",
                    "«\(kr.title)» busca velocidad sin una salvaguarda de calidad en los OKR de su equipo: añade un resultado clave de CSAT o de resolución en el primer contacto, para que más rápido no sea peor.")
            }
        }

        for kr in data.keyResults {
            let title = kr.title
            var missing: [(en: String, es: String)] = []
            if (kr.kind == .increase || kr.kind == .decrease), kr.baseline == nil { missing.append(("a baseline", "una línea base")) }
            if kr.start == KeyResult.unsetDate || kr.due == KeyResult.unsetDate { missing.append(("dates", "fechas")) }
            if !missing.isEmpty {
                add(
                    "kr_not_measurable", .keyResult, kr.id, title,
                    "«\(title)» cannot be measured: it has no \(missing.map(\.en).joined(separator: " and ")). Say where it starts, where it should end, and by when.",
                    "«\(title)» no se puede medir: le falta \(missing.map(\.es).joined(separator: " y ")). Di de dónde parte, adónde debe llegar y para cuándo.")
            }
            let lower = title.lowercased()
            let startsWithTask = taskVerbs.contains { lower.hasPrefix($0 + " ") }
            let hasNumber = title.contains(where: \.isNumber) || title.contains("%")
            if startsWithTask, kr.kind == .milestone || !hasNumber {
                add(
                    "kr_is_task", .keyResult, kr.id, title,
                    "«\(title)» is a task, not an outcome. Make it an initiative, and write the key result as the change it should cause (e.g. \"Cut confirmation time from 30 h to 18 h\").",
                    "«\(title)» es una tarea, no un resultado. Conviértela en iniciativa y escribe el resultado clave como el cambio que debe lograr (p. ej. «Reducir el tiempo de confirmación de 30 h a 18 h»).")
            } else if !hasNumber, metricIDs[kr.id] == nil, kr.kind != .milestone {
                add(
                    "kr_without_number", .keyResult, kr.id, title,
                    "«\(title)» names no number: write it as from X to Y (e.g. \"NPS from 20 to 35\") so anyone can tell whether it was reached.",
                    "«\(title)» no tiene cifras: escríbelo como de X a Y (p. ej. «NPS de 20 a 35») para que cualquiera sepa si se logró.")
            }
            if !initiativeKRs.contains(kr.id) {
                add(
                    "kr_without_initiative", .keyResult, kr.id, title,
                    "«\(title)» has no initiative: what will the team do to move it?",
                    "«\(title)» no tiene iniciativas: ¿qué hará el equipo para moverlo?")
            }
            if let stale = stale[kr.id] {
                let since = stale.lastCheckIn.map { "since \($0)" } ?? "ever"
                let desde = stale.lastCheckIn.map { "desde el \($0)" } ?? "nunca"
                add(
                    "stale_check_in", .keyResult, kr.id, title,
                    "«\(title)» has had no check-in \(since): a weekly value keeps the status honest.",
                    "«\(title)» no tiene check-in \(desde): un valor semanal mantiene el estado honesto.")
            }
        }
        return findings.sorted { ($0.severity, $0.rule, $0.subjectTitle) < ($1.severity, $1.rule, $1.subjectTitle) }
    }
}

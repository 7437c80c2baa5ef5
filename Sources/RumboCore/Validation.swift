import Foundation

/// Rules every record must meet before it is stored. They need no database: references to other
/// records (does the parent team exist?) are checked by the store, which then calls these.
extension Team {
    public func validate() throws(RumboError) {
        try requireText(name, field: "name", en: "name", es: "nombre")
        if parentID == id {
            throw .invalid("parentID", en: "A team cannot be its own parent.", es: "Un equipo no puede ser su propio equipo padre.")
        }
    }
}

extension Person {
    public func validate() throws(RumboError) {
        try requireText(name, field: "name", en: "name", es: "nombre")
        if let email { try requirePlainText(email, field: "email") }
        if let email, !email.isEmpty, !email.contains("@") {
            throw .invalid("email", en: "'\(email)' is not an email address.", es: "'\(email)' no es una dirección de correo.")
        }
    }
}

extension Cycle {
    public func validate() throws(RumboError) {
        try requireText(name, field: "name", en: "name", es: "nombre")
        if end <= start {
            throw .invalid(
                "end", en: "The cycle must end after it starts (\(start) → \(end)).",
                es: "El ciclo debe terminar después de empezar (\(start) → \(end)).")
        }
    }
}

extension Objective {
    public func validate() throws(RumboError) {
        try requireText(title, field: "title", en: "title", es: "título")
        try requirePlainText(description, field: "description")
        try requirePositive(weight, field: "weight")
        if alignments.contains(Alignment(kind: .objective, id: id)) {
            throw .invalid("alignments", en: "An objective cannot support itself.", es: "Un objetivo no puede apoyarse a sí mismo.")
        }
    }
}

extension KeyResult {
    public func validate() throws(RumboError) {
        try requireText(title, field: "title", en: "title", es: "título")
        try requirePlainText(unit, field: "unit")
        try requirePositive(weight, field: "weight")
        for (name, number) in [("baseline", baseline), ("target", target), ("commit", commit), ("stretch", stretch)] {
            if let number, !number.isFinite {
                throw .invalid(name, en: "\(name) must be a finite number.", es: "\(name) debe ser un número finito.")
            }
        }
        if due <= start {
            throw .invalid(
                "due", en: "The due date must be after the start date (\(start) → \(due)).",
                es: "La fecha límite debe ser posterior a la de inicio (\(start) → \(due)).")
        }
        switch kind {
        case .increase, .decrease:
            guard let baseline else {
                throw .invalid(
                    "baseline", en: "An \(kind.rawValue) key result needs a baseline: the value it starts from.",
                    es: "Un resultado clave de tipo \(kind.rawValue) necesita una línea base: el valor del que parte.")
            }
            if target == baseline {
                throw .invalid(
                    "target", en: "The target equals the baseline (\(target)): there is nothing to move. Set a target above or below it.",
                    es: "La meta es igual a la línea base (\(target)): no hay nada que mover. Pon una meta por encima o por debajo.")
            }
            if (kind == .increase) != (target > baseline) {
                throw .invalid(
                    "target",
                    en: kind == .increase
                        ? "An increase key result needs a target above its baseline (\(baseline)); use kind \"decrease\" to go down."
                        : "A decrease key result needs a target below its baseline (\(baseline)); use kind \"increase\" to go up.",
                    es: kind == .increase
                        ? "Un resultado clave de aumento necesita una meta mayor que su línea base (\(baseline)); usa el tipo \"decrease\" para bajar."
                        : "Un resultado clave de reducción necesita una meta menor que su línea base (\(baseline)); usa el tipo \"increase\" para subir.")
            }
            try validateLevels(baseline: baseline)
        case .milestone:
            if let baseline, baseline < 0 || baseline >= target {
                throw .invalid(
                    "baseline", en: "A milestone starts from 0 items done (or a number of items already done, below the target).",
                    es: "Un hito parte de 0 tareas hechas (o de un número de tareas ya hechas, menor que la meta).")
            }
            if target < 1 || target > 1000 || target.rounded() != target {
                throw .invalid(
                    "target", en: "A milestone's target is its number of checklist items: a whole number from 1 to 1,000.",
                    es: "La meta de un hito es su número de tareas: un número entero de 1 a 1.000.")
            }
            try validateLevels(baseline: baseline ?? 0)
        case .keepAbove, .keepBelow:
            if commit != nil || stretch != nil {
                throw .invalid(
                    commit != nil ? "commit" : "stretch", en: "Keep-above and keep-below key results have a threshold, not commit or stretch levels.",
                    es: "Los resultados clave de mantener por encima o por debajo tienen un umbral, no niveles de compromiso o ambición.")
            }
        }
    }

    /// Commit and stretch, when given, must lie in the direction of travel: baseline → commit → target → stretch.
    private func validateLevels(baseline: Double) throws(RumboError) {
        let direction: Double = target >= baseline ? 1 : -1
        if let stretch, (stretch - target) * direction < 0 {
            throw .invalid(
                "stretch", en: "The stretch level (\(stretch)) must be at or beyond the target (\(target)).",
                es: "El nivel de ambición (\(stretch)) debe estar en la meta (\(target)) o más allá.")
        }
        if let commit, (commit - baseline) * direction <= 0 || (target - commit) * direction < 0 {
            throw .invalid(
                "commit", en: "The commit level (\(commit)) must lie between the baseline (\(baseline)) and the target (\(target)).",
                es: "El nivel de compromiso (\(commit)) debe estar entre la línea base (\(baseline)) y la meta (\(target)).")
        }
    }
}

extension Initiative {
    public func validate() throws(RumboError) {
        try requireText(title, field: "title", en: "title", es: "título")
        try requirePlainText(description, field: "description")
        if let start, let end, end < start {
            throw .invalid(
                "end", en: "The initiative ends (\(end)) before it starts (\(start)).",
                es: "La iniciativa termina (\(end)) antes de empezar (\(start)).")
        }
    }
}

extension CheckIn {
    /// A check-in must carry a finite value, a confidence of 0–10, and belong to a cycle still open.
    public func validate(for keyResult: KeyResult, in cycle: Cycle) throws(RumboError) {
        guard value.isFinite else {
            throw .invalid("value", en: "The value must be a finite number.", es: "El valor debe ser un número finito.")
        }
        if let confidence, !(0...10).contains(confidence) {
            throw .invalid(
                "confidence", en: "Confidence is a whole number from 0 to 10; got \(confidence).",
                es: "La confianza es un número entero de 0 a 10; se recibió \(confidence).")
        }
        if cycle.status == .closed {
            throw .invalid(
                "keyResultID",
                en: "The cycle '\(cycle.name)' is closed: its key results take no more check-ins. Reopen the cycle or check in on the next one.",
                es: "El ciclo '\(cycle.name)' está cerrado: sus resultados clave no admiten más check-ins. Reabre el ciclo o registra el check-in en el siguiente.")
        }
        if keyResult.kind == .milestone, value < 0 || value > keyResult.target {
            throw .invalid(
                "value", en: "A milestone's value is the number of items done, from 0 to \(Int(keyResult.target)).",
                es: "El valor de un hito es el número de tareas hechas, de 0 a \(Int(keyResult.target)).")
        }
        try requirePlainText(note, field: "note")
        try requirePlainText(blockers, field: "blockers")
        if note.count > 5000 || blockers.count > 5000 {
            throw .invalid(note.count > 5000 ? "note" : "blockers", en: "Notes are limited to 5,000 characters.", es: "Las notas tienen un límite de 5.000 caracteres.")
        }
    }
}

/// Rejects NUL characters, which no text needs and PostgreSQL cannot store.
func requirePlainText(_ text: String, field: String) throws(RumboError) {
    if text.contains("\u{0}") {
        throw .invalid(field, en: "The text contains a NUL character; remove it.", es: "El texto contiene un carácter NUL; elimínalo.")
    }
}

private func requireText(_ text: String, field: String, en: String, es: String) throws(RumboError) {
    try requirePlainText(text, field: field)
    if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw .invalid(field, en: "The \(en) cannot be empty.", es: "El campo \(es) no puede estar vacío.")
    }
    if text.count > 500 {
        throw .invalid(field, en: "The \(en) is limited to 500 characters.", es: "El campo \(es) tiene un límite de 500 caracteres.")
    }
}

private func requirePositive(_ weight: Double, field: String) throws(RumboError) {
    if !(weight > 0) || !weight.isFinite {
        throw .invalid(field, en: "The weight must be a number above 0; got \(weight).", es: "El peso debe ser un número mayor que 0; se recibió \(weight).")
    }
}

extension Organization {
    public func validate() throws(RumboError) {
        try requireText(name, field: "name", en: "name", es: "nombre")
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        if slug.isEmpty || slug.count > 60 || !slug.allSatisfy(allowed.contains) || slug.hasPrefix("-") {
            throw .invalid(
                "slug", en: "The slug '\(slug)' must be 1–60 lowercase letters, digits or hyphens (it goes in URLs), e.g. 'spa-el-encanto'.",
                es: "El identificador '\(slug)' debe tener de 1 a 60 letras minúsculas, dígitos o guiones (va en las URL), p. ej. 'spa-el-encanto'.")
        }
        if TimeZone(identifier: timeZone) == nil {
            throw .invalid(
                "timeZone", en: "'\(timeZone)' is not a time zone name; use one like 'Europe/Madrid' or 'America/Mexico_City'.",
                es: "'\(timeZone)' no es un nombre de zona horaria; usa uno como 'Europe/Madrid' o 'America/Mexico_City'.")
        }
    }
}

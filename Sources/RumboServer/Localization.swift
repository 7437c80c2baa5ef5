import Foundation
import RumboCore

/// Every interface string in both languages. Templates read them as `{{t.key}}`.
enum Strings {
    static let table: [String: (en: String, es: String)] = [
        "app_tagline": ("OKRs for customer experience", "OKR para la experiencia del cliente"),
        "overview": ("Overview", "Resumen"),
        "organizations": ("Organizations", "Organizaciones"),
        "cycle": ("Cycle", "Ciclo"),
        "show": ("Show", "Ver"),
        "team": ("Team", "Equipo"),
        "teams": ("Teams", "Equipos"),
        "objective": ("Objective", "Objetivo"),
        "objectives": ("Objectives", "Objetivos"),
        "key_results": ("Key results", "Resultados clave"),
        "initiatives": ("Initiatives", "Iniciativas"),
        "people": ("People", "Personas"),
        "progress": ("Progress", "Progreso"),
        "status": ("Status", "Estado"),
        "owner": ("Owner", "Responsable"),
        "current_value": ("Current value", "Valor actual"),
        "baseline": ("Baseline", "Línea base"),
        "target": ("Target", "Meta"),
        "threshold": ("Threshold", "Umbral"),
        "commit_level": ("Commit", "Compromiso"),
        "stretch_level": ("Stretch", "Ambición"),
        "due": ("Due", "Fecha límite"),
        "expected_by_now": ("expected at the last check-in", "esperado al último check-in"),
        "confidence": ("Confidence", "Confianza"),
        "confidence_hint": ("How sure are you of reaching the target? 0 = not at all, 10 = certain.", "¿Qué tan seguro estás de alcanzar la meta? 0 = nada, 10 = totalmente."),
        "on_track": ("On track", "En camino"),
        "at_risk": ("At risk", "En riesgo"),
        "off_track": ("Off track", "Desviado"),
        "planning": ("Planning", "En planificación"),
        "active": ("Active", "Activo"),
        "closed": ("Closed", "Cerrado"),
        "grade": ("Grade", "Calificación"),
        "history": ("History", "Historial"),
        "chart_title": ("Check-in history against the target", "Historial de check-ins frente a la meta"),
        "checkin": ("Weekly check-in", "Check-in semanal"),
        "checkin_value": ("New value", "Nuevo valor"),
        "checkin_note": ("What changed?", "¿Qué cambió?"),
        "checkin_blockers": ("Blockers", "Bloqueos"),
        "checkin_submit": ("Save check-in", "Guardar check-in"),
        "checkin_saved": ("Check-in saved.", "Check-in guardado."),
        "checkin_closed": ("This cycle is closed: its key results take no more check-ins.", "Este ciclo está cerrado: sus resultados clave no admiten más check-ins."),
        "date": ("Date", "Fecha"),
        "value": ("Value", "Valor"),
        "note": ("Note", "Nota"),
        "source": ("Source", "Origen"),
        "manual": ("manual", "manual"),
        "automatic": ("automatic", "automático"),
        "interval95": ("95% CI", "IC 95 %"),
        "data_title": ("Customer data", "Datos de clientes"),
        "data_intro": ("Tickets, surveys, appointments and the rest, imported from your tools. Key results bound to a metric update from them by themselves.", "Tickets, encuestas, citas y demás, importados de tus herramientas. Los resultados clave vinculados a una métrica se actualizan solos con ellos."),
        "data_customers": ("Customers", "Clientes"),
        "data_tickets": ("Support tickets", "Tickets de soporte"),
        "data_surveys": ("Surveys", "Encuestas"),
        "data_reviews": ("Reviews", "Reseñas"),
        "data_orders": ("Orders and visits", "Pedidos y visitas"),
        "data_subscriptions": ("Subscriptions (MRR)", "Suscripciones (MRR)"),
        "data_appointments": ("Appointments", "Citas"),
        "data_leads": ("Leads", "Leads"),
        "data_events": ("Activity events", "Eventos de actividad"),
        "data_tables": ("What is imported", "Qué hay importado"),
        "data_kind": ("Data", "Datos"),
        "data_rows": ("Rows", "Filas"),
        "data_new": ("New", "Nuevas"),
        "data_columns": ("Native columns", "Columnas nativas"),
        "data_columns_hint": ("The first line of a CSV names the columns; optional ones may be left out. Importing the same file twice changes nothing.", "La primera línea de un CSV nombra las columnas; las opcionales pueden faltar. Importar dos veces el mismo archivo no cambia nada."),
        "data_runs": ("Latest imports", "Últimas importaciones"),
        "upload_title": ("Import a file", "Importar un archivo"),
        "upload_kind_label": ("What the file holds", "Qué contiene el archivo"),
        "upload_file": ("File (CSV or JSON Lines)", "Archivo (CSV o JSON Lines)"),
        "upload_source": ("Source (the tool it comes from)", "Origen (la herramienta de la que viene)"),
        "upload_date_format": ("Date format", "Formato de fecha"),
        "upload_time_zone": ("Times without a time zone are read in", "Las horas sin zona horaria se leen en"),
        "upload_skip_invalid": ("Import the valid rows and list the invalid ones", "Importar las filas válidas y listar las no válidas"),
        "upload_submit": ("Import", "Importar"),
        "upload_problems": ("Problems found", "Problemas encontrados"),
        "upload_unreadable": ("The upload could not be read. Choose the file again and retry.", "No se pudo leer el envío. Elige el archivo de nuevo y vuelve a intentarlo."),
        "upload_kind": ("Choose what the file holds.", "Elige qué contiene el archivo."),
        "upload_no_file": ("Choose a file to import (it is empty or missing).", "Elige un archivo para importar (está vacío o falta)."),
        "upload_failed": ("Nothing was imported: fix the rows below and import the file again, or tick “import the valid rows”.", "No se importó nada: corrige las filas de abajo y vuelve a importar el archivo, o marca “importar las filas válidas”."),
        "upload_done": ("Imported {rows} rows from {file} ({new} new). Key results updated: {krs}.", "Importadas {rows} filas de {file} ({new} nuevas). Resultados clave actualizados: {krs}."),
        "upload_skipped": ("{n} invalid rows were left out (listed below).", "Se dejaron fuera {n} filas no válidas (abajo)."),
        "line": ("Line", "Línea"),
        "column": ("Column", "Columna"),
        "reason": ("Reason", "Motivo"),
        "metrics_title": ("Metrics", "Métricas"),
        "metrics_intro": ("Every metric with its exact definition, computed from your imported data, with its sample size and 95% interval.", "Cada métrica con su definición exacta, calculada con tus datos importados, con su tamaño de muestra e intervalo del 95 %."),
        "period": ("Period", "Periodo"),
        "period_day": ("Day", "Día"),
        "period_week": ("Week", "Semana"),
        "period_month": ("Month", "Mes"),
        "period_quarter": ("Quarter", "Trimestre"),
        "metric_ok": ("ok", "ok"),
        "metric_no_data": ("no data", "sin datos"),
        "metric_insufficient": ("too few data", "muestra insuficiente"),
        "metric_immature": ("still maturing", "aún madurando"),
        "unit_percent": ("%", "%"),
        "unit_points": ("points", "puntos"),
        "unit_minutes": ("minutes", "minutos"),
        "unit_hours": ("hours", "horas"),
        "unit_days": ("days", "días"),
        "unit_score": ("score", "puntuación"),
        "unit_count": ("count", "recuento"),
        "unit_currency": ("currency", "moneda"),
        "unit_ratio": ("ratio", "razón"),
        "better_higher": ("higher is better", "más es mejor"),
        "better_lower": ("lower is better", "menos es mejor"),
        "binding_title": ("Automatic value", "Valor automático"),
        "binding_intro": ("Bind this key result to a metric and Rumbo writes a check-in per period from the imported data, with its sample size and interval.", "Vincula este resultado clave a una métrica y Rumbo escribe un check-in por periodo con los datos importados, con su tamaño de muestra e intervalo."),
        "binding_metric": ("Metric", "Métrica"),
        "binding_none": ("— none (typed by hand) —", "— ninguna (se escribe a mano) —"),
        "binding_filters": ("Filters (key=value, comma-separated)", "Filtros (clave=valor, separados por comas)"),
        "binding_rolling": ("Rolling window in days (optional)", "Ventana móvil en días (opcional)"),
        "binding_save": ("Save binding", "Guardar vínculo"),
        "binding_current": ("Updates itself from", "Se actualiza solo con"),
        "data_link": ("Data", "Datos"),
        "metric_chart_title": ("The metric by period, with its 95% interval", "La métrica por periodo, con su intervalo del 95 %"),
        "no_checkins": ("No check-ins yet. The first one sets the starting point of the chart.", "Aún no hay check-ins. El primero fija el punto de partida del gráfico."),
        "no_objectives": ("No objectives in this cycle yet. Create them through the API or the CLI.", "Aún no hay objetivos en este ciclo. Créalos con la API o la CLI."),
        "no_cycles": ("This organization has no cycles yet. Create one with the API (POST /api/v1/orgs/{org}/cycles).", "Esta organización aún no tiene ciclos. Crea uno con la API (POST /api/v1/orgs/{org}/cycles)."),
        "supports": ("Supports", "Apoya a"),
        "supported_by": ("Supported by", "Apoyado por"),
        "kind_increase": ("Increase", "Aumentar"),
        "kind_decrease": ("Decrease", "Reducir"),
        "kind_keep_above": ("Keep at or above", "Mantener por encima de"),
        "kind_keep_below": ("Keep at or below", "Mantener por debajo de"),
        "kind_milestone": ("Milestone", "Hito"),
        "compliant_now": ("Met this week", "Se cumple esta semana"),
        "not_compliant_now": ("Not met this week", "No se cumple esta semana"),
        "compliance_share": ("weeks met", "semanas cumplidas"),
        "items_done": ("items done", "tareas hechas"),
        "over_target": ("past the target", "por encima de la meta"),
        "initiative_planned": ("Planned", "Planificada"),
        "initiative_in_progress": ("In progress", "En curso"),
        "initiative_done": ("Done", "Hecha"),
        "initiative_cancelled": ("Cancelled", "Cancelada"),
        "never": ("never", "nunca"),
        "api_docs": ("JSON API (OpenAPI)", "API JSON (OpenAPI)"),
        "value_required": ("Type the new value, for example 42 or 12.5.", "Escribe el nuevo valor, por ejemplo 42 o 12,5."),
        "value_not_number": ("'%@' is not a number. Type it like 42 or 12.5.", "'%@' no es un número. Escríbelo como 42 o 12,5."),
        "sign_in": ("Sign in", "Iniciar sesión"),
        "sign_out": ("Sign out", "Cerrar sesión"),
        "email": ("Email", "Correo electrónico"),
        "password": ("Password", "Contraseña"),
        "login_failed": ("That email and password do not match. Check both and try again.", "El correo y la contraseña no coinciden. Revisa ambos y vuelve a intentarlo."),
        "change_password": ("Change password", "Cambiar contraseña"),
        "current_password": ("Current password", "Contraseña actual"),
        "new_password": ("New password (at least 10 characters)", "Nueva contraseña (al menos 10 caracteres)"),
        "save": ("Save", "Guardar"),
        "coach_title": ("The OKR coach says", "El coach de OKR sugiere"),
        "risk_link": ("At risk", "En riesgo"),
        "risk_title": ("Customers at risk", "Clientes en riesgo"),
        "risk_intro": ("Customers who used to come back and have gone quiet, ranked by the business at stake. P(alive) is the probability a customer is still active, from their own purchase or visit rhythm.", "Clientes que solían volver y se han quedado en silencio, ordenados por el negocio en juego. P(activo) es la probabilidad de que un cliente siga activo, según su propio ritmo de compras o visitas."),
        "risk_empty": ("No orders or paid visits yet: import them to see who may be leaving.", "Aún no hay pedidos ni visitas pagadas: impórtalos para ver quién puede estar marchándose."),
        "risk_model_failed": ("The customers could not be scored: {reason}. More customers with repeat purchases are needed.", "No se pudo puntuar a los clientes: {reason}. Hacen falta más clientes con compras repetidas."),
        "risk_summary": ("{risk} of {all} customers have P(alive) below {threshold}; value at stake in this list: {value}.", "{risk} de {all} clientes tienen P(activo) por debajo de {threshold}; valor en juego en esta lista: {value}."),
        "risk_segment": ("Segment", "Segmento"),
        "risk_all_segments": ("All segments", "Todos los segmentos"),
        "risk_export": ("Export CSV", "Exportar CSV"),
        "risk_col_customer": ("Customer", "Cliente"),
        "risk_col_visits": ("Purchases", "Compras"),
        "risk_col_last": ("Last purchase", "Última compra"),
        "risk_col_p_alive": ("P(alive)", "P(activo)"),
        "risk_col_expected": ("Expected (13 wk)", "Esperadas (13 sem.)"),
        "risk_col_clv": ("CLV (13 wk)", "CLV (13 sem.)"),
        "risk_col_value": ("Value at stake", "Valor en juego"),
        "risk_alerted": ("alert", "alerta"),
        "risk_truncated": ("The first 500 are shown; the CSV export has them all.", "Se muestran los 500 primeros; la exportación CSV los tiene todos."),
        "risk_model_note": ("Pareto/NBD (visits) and Gamma-Gamma (spend) fitted on all your orders up to today, in weeks; expected purchases and CLV over the next {horizon} weeks. Value at stake = (1 − P(alive)) × expected spend × the customer's own purchase rate × {horizon} weeks.", "Pareto/NBD (visitas) y Gamma-Gamma (gasto) ajustados con todos tus pedidos hasta hoy, en semanas; compras esperadas y CLV en las próximas {horizon} semanas. Valor en juego = (1 − P(activo)) × gasto esperado × ritmo de compra propio del cliente × {horizon} semanas."),
        "risk_alerts": ("Open alerts", "Alertas abiertas"),
        "risk_alert_sent": ("sent to the webhook", "enviada al webhook"),
        "risk_alert_failed": ("webhook failed", "el webhook falló"),
        "risk_settings": ("At-risk rules and alerts", "Reglas de riesgo y alertas"),
        "risk_threshold": ("At risk when P(alive) is below (0–1)", "En riesgo cuando P(activo) está por debajo de (0–1)"),
        "risk_minimum_value": ("Alert when the value at stake is at least", "Alertar cuando el valor en juego sea al menos"),
        "risk_margin": ("Margin on spend, for CLV (0–1; 1 = revenue)", "Margen sobre el gasto, para el CLV (0–1; 1 = ingresos)"),
        "risk_webhook": ("Webhook for new alerts (JSON POST; empty = only here)", "Webhook para alertas nuevas (POST JSON; vacío = solo aquí)"),
        "risk_settings_saved": ("Settings saved; alerts recomputed.", "Ajustes guardados; alertas recalculadas."),
        "customer_purchases_chart": ("Purchases over time", "Compras a lo largo del tiempo"),
        "customer_alive_chart": ("Probability of being active over time", "Probabilidad de seguir activo a lo largo del tiempo"),
        "customer_alive_hint": ("It falls while the customer is quiet, faster for one who used to come often, and jumps back at each purchase (ticks on the axis).", "Baja mientras el cliente no vuelve, más deprisa si solía venir a menudo, y se recupera con cada compra (marcas en el eje)."),
        "customer_risk_line": ("at risk below", "en riesgo bajo"),
        "customer_p_purchase": ("P(buys in 13 weeks)", "P(compra en 13 semanas)"),
        "customer_spend": ("Expected spend per purchase", "Gasto esperado por compra"),
        "customer_first": ("First purchase", "Primera compra"),
        "customer_purchases": ("Purchases", "Compras"),
        "customer_amount": ("Amount", "Importe"),
        "customer_no_purchases": ("No purchases on record.", "No hay compras registradas."),
        "settings": ("Access", "Accesos"),
        "members": ("Members", "Miembros"),
        "role": ("Role", "Rol"),
        "invite": ("Invite", "Invitar"),
        "invite_title": ("You are invited", "Tienes una invitación"),
        "invite_join": ("Join", "Unirme"),
        "invitation_link": ("Send this link to the person; it works once, for 7 days:", "Envía este enlace a la persona; sirve una vez, durante 7 días:"),
        "name": ("Name", "Nombre"),
        "api_tokens": ("API tokens", "Tokens de la API"),
        "scope": ("Scope", "Alcance"),
        "create_token": ("Create token", "Crear token"),
        "token_shown_once": ("Copy it now: it will not be shown again.", "Cópialo ahora: no se volverá a mostrar."),
        "revoke": ("Revoke", "Revocar"),
        "revoked": ("revoked", "revocado"),
        "created": ("Created", "Creado"),
        "last_used": ("Last used", "Último uso"),
        "audit_log": ("Audit log", "Registro de auditoría"),
        "who": ("Who", "Quién"),
        "role_owner": ("owner", "propietario"),
        "role_admin": ("admin", "administrador"),
        "role_editor": ("editor", "editor"),
        "role_member": ("member", "miembro"),
        "role_viewer": ("viewer", "lector"),
        "what": ("What", "Qué"),
        "forecast": ("Forecast", "Previsión"),
        "forecast_trend": ("On %@ the trend points to %@ (80% range %@–%@): %@ probability of reaching the target.", "Al %@ la tendencia apunta a %@ (rango del 80 %: %@–%@): %@ de probabilidad de alcanzar la meta."),
        "forecast_trend_threshold": ("On %@ the trend points to %@ (80% range %@–%@): %@ probability of being on the right side of the threshold.", "Al %@ la tendencia apunta a %@ (rango del 80 %: %@–%@): %@ de probabilidad de estar del lado bueno del umbral."),
        "forecast_pace": ("Too little history for a trend (%@ check-ins; 4 on different days over 2 weeks are needed): the status follows the straight line from the baseline to the target.", "Poco historial para ver una tendencia (%@ check-ins; hacen falta 4 en días distintos a lo largo de 2 semanas): el estado sigue la línea recta de la línea base a la meta."),
        "forecast_milestone": ("A milestone moves in steps, so its status follows the pace: items done against the time passed.", "Un hito avanza a saltos, así que su estado sigue el ritmo: elementos hechos frente al tiempo transcurrido."),
        "forecast_final": ("The due date has passed: final value %@.", "La fecha límite pasó: valor final %@."),
        "required_pace": ("%@ per week needed from now until %@.", "Hace falta %@ por semana desde hoy hasta el %@."),
        "trend_pace": ("The trend so far: %@ per week.", "La tendencia hasta ahora: %@ por semana."),
        "target_reached_pace": ("Already at the target: hold it until %@.", "Ya en la meta: hay que mantenerla hasta el %@."),
        "probability": ("Probability", "Probabilidad"),
        "within_noise": ("within noise", "dentro del ruido"),
        "within_noise_hint": ("The change from the previous value is inside this value's 95% interval: it may be chance.", "El cambio respecto al valor anterior cae dentro del intervalo del 95 % de este valor: puede ser azar."),
        "forecast_range": ("forecast range (80%)", "rango de previsión (80 %)"),
        "reviews_link": ("Reviews", "Revisiones"),
        "costs_title": ("Costs and revenue (business impact)", "Costes e ingresos (impacto en el negocio)"),
        "costs_intro": ("Rumbo turns the movement of bound key results into hours and money with these figures. Leave a figure empty if you do not know it.", "Rumbo convierte el movimiento de los resultados clave vinculados en horas y dinero con estas cifras. Deja vacía la que no sepas."),
        "costs_saved": ("Costs saved.", "Costes guardados."),
        "costs_currency": ("Currency", "Moneda"),
        "costs_hourly": ("Cost of an hour of staff time", "Coste de una hora de trabajo"),
        "costs_minutes": ("Extra minutes of an escalated, reopened or repeated ticket", "Minutos extra de un ticket escalado, reabierto o repetido"),
        "costs_customer": ("Revenue of a customer per year", "Ingresos de un cliente al año"),
        "costs_appointment": ("Revenue of an appointment", "Ingresos de una cita"),
        "impact_title": ("Business impact", "Impacto en el negocio"),
        "impact_hours": ("%@ frees %@ hours a month%@", "%@ libera %@ horas al mes%@"),
        "impact_hours_cost": (" = %@", " = %@"),
        "impact_revenue_year": ("%@ keeps %@ of revenue a year", "%@ conserva %@ de ingresos al año"),
        "impact_revenue_month": ("%@ recovers %@ of revenue a month", "%@ recupera %@ de ingresos al mes"),
        "impact_so_far": ("So far (%@ → %@)", "Hasta ahora (%@ → %@)"),
        "impact_at_target": ("At the target (%@ → %@)", "En la meta (%@ → %@)"),
        "impact_basis_hours_per_month": ("On %@ tickets a month, from the latest value of %@; costs from the organization's settings.", "Sobre %@ tickets al mes, según el último valor de %@; costes de la configuración de la organización."),
        "impact_basis_revenue_per_month": ("On %@ appointments a month, from the latest value of %@; revenue from the organization's settings.", "Sobre %@ citas al mes, según el último valor de %@; ingresos de la configuración de la organización."),
        "impact_basis_revenue_per_year": ("On %@ customers, from the latest value of %@; revenue from the organization's settings.", "Sobre %@ clientes, según el último valor de %@; ingresos de la configuración de la organización."),
        "impact_missing": ("State the organization's costs in Settings to see this movement in hours and money.", "Indica los costes de la organización en Configuración para ver este movimiento en horas y dinero."),
        "review_weekly": ("Weekly check-in", "Check-in semanal"),
        "review_monthly": ("Monthly review", "Revisión mensual"),
        "review_quarterly": ("Quarterly retrospective", "Retrospectiva trimestral"),
        "whole_organization": ("Whole organization", "Toda la organización"),
        "everyone": ("All teams", "Todos los equipos"),
        "by_pace": ("by pace", "por ritmo"),
        "no_value": ("no value", "sin valor"),
        "weekly_intro": ("Fifteen minutes: what moved, what is red, what is in the way, who has not checked in.", "Quince minutos: qué se movió, qué está en rojo, qué bloquea y quién no ha hecho check-in."),
        "weekly_summary": ("%@ moved · %@ red · %@ with blockers · %@ without a check-in for over 7 days", "%@ se movieron · %@ en rojo · %@ con bloqueos · %@ sin check-in hace más de 7 días"),
        "what_moved": ("What moved this week", "Qué se movió esta semana"),
        "nothing_moved": ("Nothing moved beyond the noise this week.", "Nada se movió más allá del ruido esta semana."),
        "whats_red": ("What is red", "Qué está en rojo"),
        "nothing_red": ("Nothing is red.", "Nada está en rojo."),
        "blockers_title": ("Blockers", "Bloqueos"),
        "no_blockers": ("No blockers written this week.", "No se escribieron bloqueos esta semana."),
        "not_checked_in": ("Who has not checked in", "Quién no ha hecho check-in"),
        "everyone_checked_in": ("Every key result has a check-in from the last 7 days.", "Todos los resultados clave tienen un check-in de los últimos 7 días."),
        "days_since": ("Days", "Días"),
        "last_check_in": ("Last check-in", "Último check-in"),
        "grid_title": ("Status of each key result at the end of each week", "Estado de cada resultado clave al final de cada semana"),
        "all_key_results": ("All key results", "Todos los resultados clave"),
        "change": ("Change", "Cambio"),
        "at_start": ("At the start", "Al inicio"),
        "now_value": ("Now", "Ahora"),
        "monthly_intro": ("The last 30 days: the trend of each key result and what the initiatives did to their metrics.", "Los últimos 30 días: la tendencia de cada resultado clave y lo que las iniciativas hicieron con sus métricas."),
        "trends": ("Trends", "Tendencias"),
        "trend": ("Trend", "Tendencia"),
        "initiative_impact": ("Initiative impact", "Impacto de las iniciativas"),
        "initiative_impact_intro": ("The metric in the 28 days before each initiative started and from its start, with 95% intervals where the metric has them.", "La métrica en los 28 días antes de que empezara cada iniciativa y desde su inicio, con intervalos del 95 % cuando la métrica los tiene."),
        "no_impacts": ("No initiative with a start date serves these key results yet.", "Aún ninguna iniciativa con fecha de inicio sirve a estos resultados clave."),
        "before": ("Before", "Antes"),
        "after": ("After", "Después"),
        "started": ("Started", "Inicio"),
        "verdict": ("Reading", "Lectura"),
        "impact_unknown": ("Not enough data on both sides yet.", "Aún no hay datos suficientes a ambos lados."),
        "impact_better": ("Moved the right way, beyond the noise.", "Se movió en la buena dirección, más allá del ruido."),
        "impact_worse": ("Moved the wrong way, beyond the noise.", "Se movió en la dirección contraria, más allá del ruido."),
        "impact_noise": ("The intervals overlap: the change may be chance.", "Los intervalos se solapan: el cambio puede ser azar."),
        "impact_better_no_interval": ("Moved the right way (no interval to judge the noise).", "Se movió en la buena dirección (sin intervalo para juzgar el ruido)."),
        "impact_unclear": ("Did not move the right way.", "No se movió en la buena dirección."),
        "impact_source_metric": ("metric from raw data", "métrica de los datos"),
        "impact_source_check_ins": ("mean of check-ins", "media de los check-ins"),
        "quarterly_intro": ("Every key result graded 0.0–1.0 at the close. For stretch goals, 0.6–0.7 is success; a team that always scores 1.0 is not aiming high enough.", "Cada resultado clave calificado de 0,0 a 1,0 al cierre. En metas ambiciosas, 0,6–0,7 es un éxito; un equipo que siempre saca 1,0 no apunta lo bastante alto."),
        "still_running": ("The cycle is still running: these are the grades as of today.", "El ciclo sigue en curso: estas son las calificaciones a día de hoy."),
        "grade_distribution": ("Distribution of key-result grades", "Distribución de las calificaciones"),
        "stretch_success": ("0.6–0.7: success for stretch goals", "0,6–0,7: éxito en metas ambiciosas"),
        "mean_grade": ("Mean grade", "Calificación media"),
        "success_share": ("Graded 0.6 or more", "Con 0,6 o más"),
        "grades": ("Grades", "Calificaciones"),
        "final_value": ("Final value", "Valor final"),
        "lessons": ("Lessons learned", "Lecciones aprendidas"),
        "no_lessons": ("No lessons written yet.", "Aún no hay lecciones."),
        "add_lesson": ("Add a lesson", "Añadir una lección"),
        "lesson_hint": ("What worked, what did not, what you would do differently next cycle.", "Qué funcionó, qué no y qué harías distinto el próximo ciclo."),
        "carry_over": ("Carries over to the next cycle", "Pasa al siguiente ciclo"),
        "carry_over_hint": ("Key results not reached and initiatives not finished: decide which continue.", "Resultados clave no alcanzados e iniciativas sin terminar: decidid cuáles continúan."),
        "nothing_carries": ("Everything was reached.", "Todo se alcanzó."),
        "open_initiatives": ("Initiatives not finished", "Iniciativas sin terminar"),
        "carry_button": ("Carry them over to the next cycle", "Pasarlos al siguiente ciclo"),
        "carried": ("Carried over: %@ (each continues from its final value; open initiatives keep serving it).", "Pasados: %@ (cada uno sigue desde su valor final; las iniciativas abiertas lo siguen sirviendo)."),
        "download_md": ("Markdown", "Markdown"),
        "download_html": ("HTML to print", "HTML para imprimir"),
        "generated_on": ("Generated on", "Generado el"),
        "stale_banner": ("%@ key results have had no check-in for more than 7 days.", "%@ resultados clave llevan más de 7 días sin check-in."),
        "see_weekly": ("See the weekly check-in", "Ver el check-in semanal"),
    ]

    /// The whole table in one language, for templates.
    static func all(_ language: Language) -> [String: String] {
        table.mapValues { language == .spanish ? $0.es : $0.en }
    }

    static func text(_ key: String, _ language: Language) -> String {
        guard let entry = table[key] else { return key }
        return language == .spanish ? entry.es : entry.en
    }

    /// The string with each `%@` replaced by the next argument, in order.
    static func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        var pieces = text(key, language).components(separatedBy: "%@")
        var result = pieces.removeFirst()
        for (index, piece) in pieces.enumerated() { result += (index < arguments.count ? arguments[index] : "") + piece }
        return result
    }
}

/// Numbers and dates the way each language writes them.
struct Formatter {
    let language: Language

    /// `12,5` in Spanish, `12.5` in English; whole numbers without decimals; at most two decimals;
    /// astronomically large values in scientific notation rather than a 300-digit string.
    func number(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        var text = abs(value) >= 1e12 ? String(format: "%.3g", value) : String(format: "%.2f", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return language == .spanish ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    func value(_ value: Double, unit: String) -> String {
        switch unit {
        case "": number(value)
        case "%": number(value) + "%"
        case "€", "$": language == .spanish ? number(value) + " " + unit : unit + number(value)
        default: number(value) + " " + unit
        }
    }

    /// Whole numbers with thousands grouped the language's way: 12,345 / 12.345.
    func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += language == .spanish ? "." : "," }
            grouped.append(c)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Whole amounts with the currency where each language puts it: 1.395 € / €1,395.
    func money(_ amount: Double, currency: String) -> String {
        let whole = amount.isFinite ? integer(Int(max(min(amount, 1e15), -1e15).rounded())) : "—"
        return language == .spanish || currency.count > 1 ? whole + " " + currency : currency + whole
    }

    func percent(_ fraction: Double) -> String { number((fraction * 100).rounded()) + "%" }

    /// `25 nov 2026` / `Nov 25, 2026`.
    func day(_ day: LocalDate) -> String {
        let months =
            language == .spanish
            ? ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
            : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return language == .spanish
            ? "\(day.day) \(months[day.month - 1]) \(day.year)" : "\(months[day.month - 1]) \(day.day), \(day.year)"
    }

    /// Reads a number typed by a person: `12,5`, `12.5`, ` 1 200 `; `nil` if it is not one.
    static func parseNumber(_ text: String) -> Double? {
        var cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
        if cleaned.contains(",") && !cleaned.contains(".") { cleaned = cleaned.replacingOccurrences(of: ",", with: ".") }
        guard !cleaned.isEmpty, let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}

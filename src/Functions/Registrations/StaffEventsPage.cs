using Microstructures.Core.Registrations;
using Microstructures.Functions.Pages;

namespace Microstructures.Functions.Registrations;

// The staff page for events. The HTML holds no data (it is served without the key); its script
// reads everything from the /api/manage API with the staff key kept in sessionStorage.
public static class StaffEventsPage
{
    public static IResult Show()
    {
        const string Body = """
            <section aria-labelledby="events-title"><h2 id="events-title">Événements</h2>
            <table><thead><tr><th scope="col">Événement</th><th scope="col">Date</th><th scope="col">Places</th><th scope="col">Restantes</th><th scope="col">Attente</th></tr></thead><tbody id="events"></tbody></table></section>
            <section aria-labelledby="edit-title"><h2 id="edit-title">Créer ou modifier un événement</h2>
            <form id="event-form">
            <label for="ev-id">Identifiant (dans l'adresse)</label><p class="hint">Ex. journee-nationale-2023 : minuscules, chiffres, tirets.</p><input id="ev-id" type="text" required>
            <label for="ev-title">Titre</label><input id="ev-title" type="text" required>
            <label for="ev-startsAt">Début (heure de Paris)</label><input id="ev-startsAt" type="datetime-local" required>
            <label for="ev-endsAt">Fin (heure de Paris)</label><input id="ev-endsAt" type="datetime-local" required>
            <label for="ev-venue">Lieu</label><input id="ev-venue" type="text" required>
            <label for="ev-address">Adresse</label><input id="ev-address" type="text" required>
            <label for="ev-capacity">Nombre de places</label><input id="ev-capacity" type="number" min="1" required>
            <label for="ev-registrationOpensAt">Ouverture des inscriptions</label><input id="ev-registrationOpensAt" type="datetime-local" required>
            <label for="ev-registrationClosesAt">Clôture des inscriptions</label><input id="ev-registrationClosesAt" type="datetime-local" required>
            <label for="ev-contactEmail">E-mail de contact des organisateurs</label><input id="ev-contactEmail" type="email" required>
            <label for="ev-questions">Questions supplémentaires (facultatif)</label><p class="hint" id="ev-questions-hint">Une par ligne : identifiant | intitulé | obligatoire (ex. atelier | Atelier de l'après-midi | obligatoire). Jamais de question de santé.</p><textarea id="ev-questions" rows="3" aria-describedby="ev-questions-hint"></textarea>
            <button type="submit">Enregistrer l'événement</button></form></section>
            <section id="detail" hidden aria-labelledby="detail-title"><h2 id="detail-title">Inscriptions</h2>
            <p id="links"></p><div id="counts"></div>
            <p><button type="button" id="export" class="secondary">Exporter (CSV pour Excel)</button> <button type="button" id="door" class="secondary">Lien d'accueil (entrée)</button> <button type="button" id="revoke" class="secondary">Révoquer les liens d'accueil</button></p>
            <p id="door-link"></p>
            <form id="search-form" role="search"><label for="search">Rechercher (nom, e-mail, structure)</label><input id="search" type="search"><button type="submit">Rechercher</button></form>
            <table><thead><tr><th scope="col">Nom</th><th scope="col">E-mail</th><th scope="col">Profession</th><th scope="col">Région</th><th scope="col">Statut</th><th scope="col">Action</th></tr></thead><tbody id="registrations"></tbody></table>
            <h3 id="behalf-title">Inscrire une personne (appel téléphonique)</h3>
            <form id="behalf-form">
            <label for="b-firstName">Prénom</label><input id="b-firstName" type="text" required>
            <label for="b-lastName">Nom</label><input id="b-lastName" type="text" required>
            <label for="b-email">E-mail</label><input id="b-email" type="email" required>
            <label for="b-profession">Profession</label><select id="b-profession" required><option value="">Choisir…</option>PROFESSIONS</select>
            <label for="b-organisation">Structure</label><input id="b-organisation" type="text" required>
            <label for="b-region">Région</label><select id="b-region" required><option value="">Choisir…</option>REGIONS</select>
            <div id="b-questions"></div>
            <label for="b-accessibilityNeeds">Besoins d'accessibilité (facultatif)</label><p class="hint" id="b-accessibilityNeeds-hint">Par exemple : accès en fauteuil, boucle magnétique. Seulement ce que la personne demande, jamais d'autre détail de santé. Utilisé seulement pour organiser son accueil, jamais envoyé par e-mail, et effacé en premier après l'événement.</p><textarea id="b-accessibilityNeeds" rows="3" aria-describedby="b-accessibilityNeeds-hint"></textarea>
            <label class="checkbox"><input type="checkbox" id="b-newsletterOptIn"> La personne souhaite recevoir la lettre d'information mensuelle de la CNRMS (facultatif).</label>
            <button type="submit" id="behalf-submit">Inscrire</button> <button type="button" class="secondary" id="behalf-reset" hidden>Abandonner la modification</button></form>
            <h3>Message des organisateurs</h3>
            <form id="message-form">
            <label for="m-subject">Objet</label><input id="m-subject" type="text" maxlength="150" required>
            <label for="m-body">Message</label><p class="hint" id="m-body-hint">Texte simple ; jamais de donnée de santé.</p><textarea id="m-body" rows="5" aria-describedby="m-body-hint" required></textarea>
            <label for="m-audience">Destinataires</label><select id="m-audience"><option value="confirmed">Places confirmées</option><option value="all">Confirmées et liste d'attente</option></select>
            <button type="submit">Envoyer le message</button></form></section>
            """;
        var body = Body
            .Replace("PROFESSIONS", string.Concat(Professions.All.Select(p => $"<option value=\"{PageLayout.Encode(p.Code)}\">{PageLayout.Encode(p.Label)}</option>")), StringComparison.Ordinal)
            .Replace("REGIONS", string.Concat(Regions.All.Select(r => $"<option>{PageLayout.Encode(r)}</option>")), StringComparison.Ordinal);
        const string Script = """
            import { api, problemText, showProblem, clearFieldErrors, showMessage, escapeHtml } from "/api/assets/staff.js";
            const $ = id => document.getElementById(id);
            const status = { Confirmed: "confirmé", Waitlisted: "liste d'attente", Cancelled: "annulé" };
            const fields = ["title", "startsAt", "endsAt", "venue", "address", "capacity", "registrationOpensAt", "registrationClosesAt", "contactEmail"];
            let current = null, registrations = [], editing = null;
            const personFields = ["firstName", "lastName", "email", "profession", "organisation", "region", "accessibilityNeeds"];
            let questions = [];
            // Ids are "b-" + the API's field name ("answers.<questionId>" for an extra question), so a 400's errors find their input.
            const answerInput = q => $("b-answers." + q.id);
            function stopEditing() { editing = null; $("behalf-form").reset(); clearFieldErrors($("behalf-form")); $("behalf-title").textContent = "Inscrire une personne (appel téléphonique)"; $("behalf-submit").textContent = "Inscrire"; $("behalf-reset").hidden = true; }
            function showQuestions(e) {
              questions = e.extraQuestions || [];
              $("b-questions").innerHTML = questions.map(q => `<label for="b-answers.${escapeHtml(q.id)}">${escapeHtml(q.label)}${q.required ? "" : " (facultatif)"}</label><input id="b-answers.${escapeHtml(q.id)}" type="text"${q.required ? " required" : ""}>`).join("");
            }
            function personJson() {
              const json = Object.fromEntries(personFields.map(f => [f, $("b-" + f).value]));
              json.newsletterOptIn = $("b-newsletterOptIn").checked;
              json.answers = Object.fromEntries(questions.map(q => [q.id, answerInput(q).value]));
              return json;
            }
            const behalfInput = field => $("b-" + field);
            const paris = iso => new Date(iso).toLocaleString("fr-FR", { timeZone: "Europe/Paris", dateStyle: "medium", timeStyle: "short" });
            const local = iso => new Date(iso).toLocaleString("sv-SE", { timeZone: "Europe/Paris" }).slice(0, 16).replace(" ", "T");
            async function loadEvents() {
              const r = await api("/api/manage/event-list");
              if (!r.ok) return showMessage(await problemText(r), "danger");
              const events = await r.json();
              $("events").innerHTML = events.map(e => `<tr><td><a href="#" data-event="${escapeHtml(e.eventId)}">${escapeHtml(e.title)}</a></td><td>${escapeHtml(paris(e.startsAt))}</td><td>${e.capacity}</td><td>${e.seatsLeft}</td><td>${e.waitlisted}</td></tr>`).join("") || "<tr><td colspan=5>Aucun événement.</td></tr>";
              window.cnrmsEvents = events;
            }
            async function select(eventId) {
              const e = window.cnrmsEvents.find(x => x.eventId === eventId);
              current = eventId;
              stopEditing();
              showQuestions(e);
              $("ev-id").value = eventId;
              for (const f of fields) $("ev-" + f).value = /At$/.test(f) ? local(e[f]) : e[f];
              $("ev-questions").value = (e.extraQuestions || []).map(q => `${q.id} | ${q.label}${q.required ? " | obligatoire" : ""}`).join("\n");
              $("detail").hidden = false;
              $("detail-title").textContent = "Inscriptions — " + e.title;
              $("links").innerHTML = `Formulaire public : <a href="/api/events/${escapeHtml(eventId)}/register">/api/events/${escapeHtml(eventId)}/register</a> — <a href="/api/events/${escapeHtml(eventId)}/qr">code QR à imprimer</a>`;
              await loadRegistrations();
            }
            async function loadRegistrations() {
              const q = $("search").value.trim();
              const [list, counts] = await Promise.all([
                api(`/api/manage/events/${current}/registrations` + (q ? "?q=" + encodeURIComponent(q) : "")),
                api(`/api/manage/events/${current}/counts`)]);
              if (!list.ok) return showMessage(await problemText(list), "danger");
              const c = await counts.json();
              const group = (title, o) => `<h3>${title}</h3><ul>${Object.entries(o).map(([k, v]) => `<li>${escapeHtml(k)} : ${v}</li>`).join("") || "<li>—</li>"}</ul>`;
              $("counts").innerHTML = `<p>${c.confirmed} confirmé(s) sur ${c.capacity} places, ${c.waitlisted} en liste d'attente, ${c.cancelled} annulation(s), ${c.checkedIn} présent(s).</p>` + group("Par profession (confirmés)", c.confirmedByProfession) + group("Par région (confirmés)", c.confirmedByRegion);
              registrations = await list.json();
              $("registrations").innerHTML = registrations.map(r => `<tr><td>${escapeHtml(r.firstName + " " + r.lastName)}</td><td>${escapeHtml(r.email)}</td><td>${escapeHtml(r.professionLabel)}</td><td>${escapeHtml(r.region)}</td><td>${status[r.status]}</td><td>${r.status === "Cancelled" ? "" : `<button type="button" class="secondary" data-edit="${r.registrationId}">Modifier</button> <button type="button" class="secondary" data-cancel="${r.registrationId}">Annuler</button>`}</td></tr>`).join("");
            }
            document.addEventListener("click", async ev => {
              const link = ev.target.closest("[data-event]");
              if (link) { ev.preventDefault(); await select(link.dataset.event); }
              const edit = ev.target.closest("[data-edit]");
              if (edit) {
                const r = registrations.find(x => x.registrationId === edit.dataset.edit);
                editing = r;
                clearFieldErrors($("behalf-form"));
                for (const f of personFields) $("b-" + f).value = r[f] ?? "";
                $("b-newsletterOptIn").checked = r.newsletterOptIn;
                for (const q of questions) answerInput(q).value = r.answers?.[q.id] ?? "";
                $("behalf-title").textContent = "Modifier l'inscription de " + r.firstName + " " + r.lastName;
                $("behalf-submit").textContent = "Enregistrer la modification";
                $("behalf-reset").hidden = false;
                $("b-firstName").focus();
              }
              const cancel = ev.target.closest("[data-cancel]");
              if (cancel && confirm("Annuler cette inscription ? La place ira à la première personne en attente.")) {
                const r = await api(`/api/manage/events/${current}/registrations/${cancel.dataset.cancel}/cancel`, { method: "POST" });
                showMessage(r.ok ? "Inscription annulée." : await problemText(r), r.ok ? "ok" : "danger");
                await loadRegistrations(); await loadEvents();
              }
            });
            $("event-form").addEventListener("submit", async ev => {
              ev.preventDefault();
              const body = Object.fromEntries(fields.map(f => [f, f === "capacity" ? Number($("ev-" + f).value) : $("ev-" + f).value]));
              body.extraQuestions = $("ev-questions").value.split("\n").map(l => l.split("|").map(p => p.trim())).filter(p => p[0])
                .map(([id, label, required]) => ({ id, label: label || "", required: required === "obligatoire" }));
              const id = $("ev-id").value.trim();
              const r = await api(`/api/manage/events/${encodeURIComponent(id)}`, { method: "PUT", json: body });
              // Said once the form shows the saved event again: typing before that would be overwritten.
              if (r.ok) { await loadEvents(); await select(id); showMessage("Événement enregistré.", "ok"); }
              else await showProblem(r, $("event-form"), field => $("ev-" + field));
            });
            $("behalf-reset").addEventListener("click", stopEditing);
            $("message-form").addEventListener("submit", async ev => {
              ev.preventDefault();
              if (!confirm("Envoyer ce message par e-mail aux destinataires choisis ?")) return;
              const r = await api(`/api/manage/events/${current}/messages`, { method: "POST", json: { subject: $("m-subject").value, body: $("m-body").value, audience: $("m-audience").value } });
              if (!r.ok) return showProblem(r, $("message-form"), field => $("m-" + field));
              clearFieldErrors($("message-form"));
              const b = await r.json();
              showMessage(`Message envoyé à ${b.recipients} personne(s)` + (b.alreadySent ? ` (${b.alreadySent} l'avaient déjà reçu).` : "."), "ok");
            });
            $("search-form").addEventListener("submit", ev => { ev.preventDefault(); loadRegistrations(); });
            $("behalf-form").addEventListener("submit", async ev => {
              ev.preventDefault();
              const json = personJson();
              if (editing) {
                const r = await api(`/api/manage/events/${current}/registrations/${editing.registrationId}`, { method: "PUT", json });
                if (r.ok) { stopEditing(); showMessage("Inscription modifiée.", "ok"); } else await showProblem(r, $("behalf-form"), behalfInput);
                return loadRegistrations();
              }
              const r = await api(`/api/manage/events/${current}/registrations`, { method: "POST", json });
              if (r.ok) {
                const b = await r.json();
                // Emptied for the next caller: no one inherits the previous person's needs or answers.
                stopEditing();
                showMessage(b.alreadyRegistered ? "Déjà inscrit·e : confirmation renvoyée." : b.status === "Confirmed" ? "Inscription confirmée, e-mail envoyé." : `Liste d'attente, position ${b.waitlistPosition}.`, "ok");
              } else await showProblem(r, $("behalf-form"), behalfInput);
              await loadRegistrations(); await loadEvents();
            });
            $("export").addEventListener("click", async () => {
              const r = await api(`/api/manage/events/${current}/registrations.csv`);
              if (!r.ok) return showMessage(await problemText(r), "danger");
              const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(await r.blob()), download: `inscriptions-${current}.csv` });
              a.click(); URL.revokeObjectURL(a.href);
            });
            async function door(method) {
              const r = await api(`/api/manage/events/${current}/checkin-link`, { method });
              if (!r.ok) return showMessage(await problemText(r), "danger");
              const l = await r.json();
              $("door-link").innerHTML = `Lien pour les bénévoles à l'accueil (version ${l.version}) : <code class="secret">${escapeHtml(l.url)}</code>`;
            }
            $("door").addEventListener("click", () => door("GET"));
            $("revoke").addEventListener("click", () => confirm("Les liens d'accueil déjà donnés cesseront de fonctionner. Continuer ?") && door("DELETE"));
            loadEvents();
            """;
        return PageLayout.Staff("Événements", "/api/manage/events", body, Script);
    }
}

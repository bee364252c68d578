// The staff events page (StaffEventsPage): events, the event form, and an event's registrations.
import { api, h, plural, number, parisDateTime, problemText, saveFile, showProblem, clearFieldErrors, showMessage } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);
const publicBase = $("detail").dataset.publicBase.replace(/\/$/, "");
const fields = ["title", "startsAt", "endsAt", "venue", "address", "capacity", "registrationOpensAt", "registrationClosesAt", "contactEmail"];
const personFields = ["firstName", "lastName", "email", "profession", "organisation", "region", "accessibilityNeeds"];
const MAX_QUESTIONS = 5;
let events = [], current = null, registrations = [], editing = null, questions = [];
let idEdited = false;

const local = iso => new Date(iso).toLocaleString("sv-SE", { timeZone: "Europe/Paris" }).slice(0, 16).replace(" ", "T");

// "Journée Grand Est 2030" → "journee-grand-est-2030", as region identifiers are derived from names.
export function slug(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
}
// "Atelier de l'après-midi" → "atelierDeLApresMidi": a question identifier (a letter, then letters and digits).
export function questionId(text) {
  const words = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = words.map((w, i) => i ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()).join("");
  return (/^[a-z]/.test(id) ? id : "q" + id).slice(0, 31);
}

// ---- Events ----------------------------------------------------------------------------------

async function loadEvents() {
  const r = await api("/api/manage/event-list");
  if (!r.ok) return showMessage(await problemText(r), "danger");
  events = await r.json();
  $("events").replaceChildren(...(events.length ? events.map(e => h("tr", {},
    h("td", { "data-label": "Événement" }, h("button", { type: "button", class: "link", "data-event": e.eventId }, e.title), e.cancelledAt ? " (annulé)" : ""),
    h("td", { "data-label": "Date" }, parisDateTime(e.startsAt)),
    h("td", { "data-label": "Places" }, number(e.capacity)),
    h("td", { "data-label": "Restantes" }, number(e.seatsLeft)),
    h("td", { "data-label": "Attente" }, number(e.waitlisted)))) : [h("tr", {}, h("td", { colspan: 5 }, "Aucun événement pour l'instant."))]));
}

// ---- The event form --------------------------------------------------------------------------

// Ids are "ev-" + the API's field name, so a 400's errors find their input ("extraQuestions[0].label" too).
function eventInput(field) {
  if (field === "eventId") return $("ev-id");
  return document.getElementById("ev-" + field);
}

function renumberQuestions() {
  [...$("questions").children].forEach((row, i) => {
    row.querySelector("[data-number]").textContent = "Question " + (i + 1);
    for (const input of row.querySelectorAll("[data-field]")) {
      input.id = `ev-extraQuestions[${i}].${input.dataset.field}`;
      input.dataset.label = `Question ${i + 1}, ${input.dataset.field === "label" ? "intitulé" : input.dataset.field === "id" ? "identifiant" : "obligatoire"}`;
    }
    for (const label of row.querySelectorAll("label[data-for]")) label.htmlFor = `ev-extraQuestions[${i}].${label.dataset.for}`;
    const hint = row.querySelector("[data-hint]");
    hint.id = `ev-extraQuestions[${i}].id-hint`;
    row.querySelector("[data-field=id]").setAttribute("aria-describedby", hint.id);
    row.querySelector("[data-remove-question]").setAttribute("aria-label", "Retirer la question " + (i + 1));
  });
  $("add-question").disabled = $("questions").children.length >= MAX_QUESTIONS;
}

function addQuestion(q) {
  const row = $("question-row").content.firstElementChild.cloneNode(true);
  const label = row.querySelector("[data-field=label]"), id = row.querySelector("[data-field=id]");
  label.value = q?.label ?? "";
  id.value = q?.id ?? "";
  row.querySelector("[data-field=required]").checked = !!q?.required;
  // An existing question keeps its identifier (answers are stored under it); a new one follows its label until edited.
  let edited = !!q;
  id.addEventListener("input", () => { edited = true; });
  label.addEventListener("input", () => { if (!edited) id.value = questionId(label.value); });
  $("questions").append(row);
  renumberQuestions();
  return row;
}

function questionsJson() {
  return [...$("questions").children].map(row => ({
    id: row.querySelector("[data-field=id]").value.trim(),
    label: row.querySelector("[data-field=label]").value.trim(),
    required: row.querySelector("[data-field=required]").checked,
  }));
}

function resetEventForm() {
  $("event-form").reset();
  clearFieldErrors($("event-form"));
  $("questions").replaceChildren();
  renumberQuestions();
  $("ev-id").readOnly = false;
  idEdited = false;
}

$("add-question").addEventListener("click", () => addQuestion().querySelector("[data-field=label]").focus());
$("questions").addEventListener("click", ev => {
  const remove = ev.target.closest("[data-remove-question]");
  if (!remove) return;
  remove.closest("li").remove();
  renumberQuestions();
  $("add-question").focus();
});
$("ev-title").addEventListener("input", () => { if (!idEdited && !$("ev-id").readOnly) $("ev-id").value = slug($("ev-title").value); });
$("ev-id").addEventListener("input", () => { idEdited = true; });
$("new-event").addEventListener("click", () => { resetEventForm(); $("ev-title").focus(); });

// A change of date, time or venue is e-mailed to everyone registered (confirmed and waitlisted): the
// staff see who will be told, and confirm, before the event is saved.
const scheduleFields = { startsAt: "date et horaires", endsAt: "date et horaires", venue: "lieu", address: "adresse" };
let pendingSave = null;

async function toldAbout(eventId) {
  const e = events.find(x => x.eventId === eventId);
  if (!e || !$("ev-id").readOnly) return null;
  const what = [...new Set(Object.keys(scheduleFields).filter(f => (/At$/.test(f) ? local(e[f]) : e[f]) !== $("ev-" + f).value).map(f => scheduleFields[f]))];
  if (!what.length) return null;
  const r = await api(`/api/manage/events/${encodeURIComponent(eventId)}/registrations`);
  if (!r.ok) return null;
  const people = (await r.json()).filter(p => p.status === "Confirmed" || p.status === "Waitlisted");
  return people.length ? { what, people } : null;
}

function askToTell(told, save) {
  const confirmed = told.people.filter(p => p.status === "Confirmed").length, waiting = told.people.length - confirmed;
  $("change-text").textContent = `Ce changement (${told.what.join(", ")}) sera annoncé par e-mail à ${plural(told.people.length, "personne")}\u00a0: `
    + `${plural(confirmed, "inscription confirmée", "inscriptions confirmées")}, avec le fichier agenda mis à jour, et ${plural(waiting, "personne")} en liste d'attente.`;
  const shown = told.people.slice(0, 30);
  $("change-people").replaceChildren(...shown.map(p => h("li", {}, `${p.firstName} ${p.lastName} (${p.status === "Confirmed" ? "confirmé·e" : "liste d'attente"})`)),
    ...(told.people.length > shown.length ? [h("li", {}, `et ${plural(told.people.length - shown.length, "autre personne", "autres personnes")}`)] : []));
  pendingSave = save;
  $("change-confirm").hidden = false;
  $("change-confirm").focus();
}

$("change-back").addEventListener("click", () => { pendingSave = null; $("change-confirm").hidden = true; $("ev-startsAt").focus(); });
$("change-save").addEventListener("click", () => { $("change-confirm").hidden = true; const save = pendingSave; pendingSave = null; save?.(); });

$("event-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const body = Object.fromEntries(fields.map(f => [f, f === "capacity" ? ($("ev-" + f).value === "" ? null : Number($("ev-" + f).value)) : $("ev-" + f).value]));
  body.extraQuestions = questionsJson();
  const id = $("ev-id").value.trim();
  if (!id) {
    // No request without an identifier: the address would be the events list itself.
    return showProblem(new Response(JSON.stringify({ title: "Certains champs sont à corriger", errors: { eventId: ["Indiquez l'identifiant de l'événement (déduit du titre)."] } }), { status: 400 }), $("event-form"), eventInput);
  }
  const told = await toldAbout(id);
  const save = async () => {
    const r = await api(`/api/manage/events/${encodeURIComponent(id)}`, { method: "PUT", json: body });
    if (!r.ok) return showProblem(r, $("event-form"), eventInput);
    clearFieldErrors($("event-form"));
    // Said once the form shows the saved event again: typing before that would be overwritten.
    await loadEvents();
    await select(id);
    showMessage("Événement enregistré." + (told ? ` ${plural(told.people.length, "personne prévenue", "personnes prévenues")} par e-mail.` : ""), "ok");
  };
  if (told) askToTell(told, save); else await save();
});

// ---- An event's registrations ------------------------------------------------------------------

function stopEditing() {
  editing = null;
  $("behalf-form").reset();
  clearFieldErrors($("behalf-form"));
  $("behalf-title").textContent = "Inscrire une personne (appel téléphonique)";
  $("behalf-submit").textContent = "Inscrire";
  $("behalf-reset").hidden = true;
}

// Ids are "b-" + the API's field name ("answers.<questionId>" for an extra question), so a 400's errors find their input.
const behalfInput = field => $("b-" + field);
const answerInput = q => $("b-answers." + q.id);

function showQuestions(e) {
  questions = e.extraQuestions || [];
  $("b-questions").replaceChildren(...questions.flatMap(q => [
    h("label", { for: "b-answers." + q.id }, q.label + (q.required ? "" : " (facultatif)")),
    h("input", { id: "b-answers." + q.id, type: "text", required: q.required }),
  ]));
}

function personJson() {
  const json = Object.fromEntries(personFields.map(f => [f, $("b-" + f).value]));
  json.newsletterOptIn = $("b-newsletterOptIn").checked;
  json.answers = Object.fromEntries(questions.map(q => [q.id, answerInput(q).value]));
  return json;
}

async function select(eventId) {
  const e = events.find(x => x.eventId === eventId);
  current = eventId;
  stopEditing();
  showQuestions(e);
  resetEventForm();
  $("ev-id").value = eventId;
  $("ev-id").readOnly = true;
  for (const f of fields) $("ev-" + f).value = /At$/.test(f) ? local(e[f]) : e[f];
  for (const q of e.extraQuestions || []) addQuestion(q);
  $("detail").hidden = false;
  $("detail-title").textContent = "Inscriptions — " + e.title;
  $("form-url").value = `${publicBase}/api/events/${encodeURIComponent(eventId)}/register`;
  $("poster-link").href = `/api/events/${encodeURIComponent(eventId)}/poster`;
  $("door-link").hidden = true;
  $("cancel-event").hidden = !!e.cancelledAt;
  $("cancelled-note").hidden = !e.cancelledAt;
  $("cancel-confirm").hidden = true;
  $("change-confirm").hidden = true;
  await loadRegistrations();
}

const statusText = r => r.status === "Confirmed" ? "confirmé·e"
  : r.status === "Waitlisted" ? (r.waitlistPosition ? `liste d'attente, position ${r.waitlistPosition}` : "liste d'attente")
  : "annulé·e";
const presence = r => r.checkedInAt ? "arrivé·e à " + new Date(r.checkedInAt).toLocaleTimeString("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit" }).replace(":", "h") : "—";

async function loadRegistrations() {
  const q = $("search").value.trim();
  const [list, counts] = await Promise.all([
    api(`/api/manage/events/${current}/registrations` + (q ? "?q=" + encodeURIComponent(q) : "")),
    api(`/api/manage/events/${current}/counts`)]);
  if (!list.ok) return showMessage(await problemText(list), "danger");
  const c = await counts.json();
  const group = (title, o) => [h("h4", {}, title), h("ul", {}, Object.entries(o).length ? Object.entries(o).map(([k, v]) => h("li", {}, `${k}\u00a0: ${number(v)}`)) : h("li", {}, "—"))];
  $("counts").replaceChildren(
    h("p", {}, `${plural(c.confirmed, "inscription confirmée", "inscriptions confirmées")} sur ${plural(c.capacity, "place")}, ${plural(c.waitlisted, "personne")} en liste d'attente, ${plural(c.cancelled, "annulation")}, ${plural(c.checkedIn, "présent·e", "présent·es")}.`),
    h("div", { class: "groups" }, h("div", {}, group("Par profession (confirmées)", c.confirmedByProfession)), h("div", {}, group("Par région (confirmées)", c.confirmedByRegion))));
  registrations = await list.json();
  $("registrations").replaceChildren(...(registrations.length ? registrations.map(r => {
    const name = r.firstName + " " + r.lastName;
    return h("tr", {},
      h("td", { "data-label": "Nom" }, name),
      h("td", { "data-label": "E-mail" }, r.email),
      h("td", { "data-label": "Profession" }, r.professionLabel),
      h("td", { "data-label": "Région" }, r.region),
      h("td", { "data-label": "Statut" }, statusText(r)),
      h("td", { "data-label": "Présence" }, presence(r)),
      h("td", { "data-label": "Actions" }, r.status === "Cancelled" ? "—" : [
        ...(r.status === "Confirmed" ? [r.checkedInAt
          ? h("button", { type: "button", class: "secondary small", "data-undo-checkin": r.registrationId, "aria-label": "Annuler l'arrivée de " + name }, "Annuler l'arrivée")
          : h("button", { type: "button", class: "small", "data-checkin": r.registrationId, "aria-label": "Enregistrer l'arrivée de " + name }, "Arrivé·e"), " "] : []),
        h("button", { type: "button", class: "secondary small", "data-edit": r.registrationId, "aria-label": "Modifier l'inscription de " + name }, "Modifier"), " ",
        h("button", { type: "button", class: "secondary small", "data-cancel": r.registrationId, "aria-label": "Annuler l'inscription de " + name }, "Annuler")]));
  }) : [h("tr", {}, h("td", { colspan: 7 }, q ? "Aucune inscription ne correspond à la recherche." : "Aucune inscription pour l'instant."))]));
}

document.addEventListener("click", async ev => {
  const link = ev.target.closest("[data-event]");
  if (link) { await select(link.dataset.event); $("detail-title").scrollIntoView(); }
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
  const checkin = ev.target.closest("[data-checkin], [data-undo-checkin]");
  if (checkin) {
    const id = checkin.dataset.checkin ?? checkin.dataset.undoCheckin;
    const r = await api(`/api/manage/events/${current}/registrations/${id}/checkin`, { method: checkin.dataset.checkin ? "POST" : "DELETE" });
    showMessage(r.ok ? (checkin.dataset.checkin ? "Arrivée enregistrée." : "Arrivée annulée.") : await problemText(r), r.ok ? "ok" : "danger");
    await loadRegistrations();
  }
  const cancel = ev.target.closest("[data-cancel]");
  if (cancel && confirm("Annuler cette inscription\u00a0? La place ira à la première personne en attente.")) {
    const r = await api(`/api/manage/events/${current}/registrations/${cancel.dataset.cancel}/cancel`, { method: "POST" });
    showMessage(r.ok ? "Inscription annulée." : await problemText(r), r.ok ? "ok" : "danger");
    await loadRegistrations(); await loadEvents();
  }
});

$("cancel-event").addEventListener("click", async () => {
  const r = await api(`/api/manage/events/${current}/registrations`);
  const people = r.ok ? (await r.json()).filter(p => p.status === "Confirmed" || p.status === "Waitlisted") : [];
  $("cancel-text").textContent = `Annuler « ${events.find(x => x.eventId === current).title} »\u00a0? ${plural(people.length, "personne inscrite recevra", "personnes inscrites recevront")} un e-mail d'annulation. C'est définitif.`;
  $("cancel-confirm").hidden = false;
  $("cancel-confirm").focus();
});
$("cancel-event-back").addEventListener("click", () => { $("cancel-confirm").hidden = true; $("cancel-event").focus(); });
$("cancel-event-confirm").addEventListener("click", async () => {
  const r = await api(`/api/manage/events/${current}/cancel`, { method: "POST" });
  $("cancel-confirm").hidden = true;
  if (!r.ok) return showMessage(await problemText(r), "danger");
  await loadEvents();
  await select(current);
  showMessage("Événement annulé\u00a0; les personnes inscrites sont prévenues par e-mail.", "ok");
});

$("behalf-reset").addEventListener("click", stopEditing);
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
    showMessage(b.alreadyRegistered ? "Déjà inscrit·e\u00a0: l'e-mail de son inscription lui a été renvoyé."
      : b.status === "Confirmed" ? "Inscription confirmée, e-mail envoyé."
      : `Liste d'attente, position ${b.waitlistPosition}\u00a0; e-mail envoyé.`, "ok");
  } else await showProblem(r, $("behalf-form"), behalfInput);
  await loadRegistrations(); await loadEvents();
});

$("message-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  if (!confirm("Envoyer ce message par e-mail aux destinataires choisis\u00a0?")) return;
  const r = await api(`/api/manage/events/${current}/messages`, { method: "POST", json: { subject: $("m-subject").value, body: $("m-body").value, audience: $("m-audience").value } });
  if (!r.ok) return showProblem(r, $("message-form"), field => $("m-" + field));
  clearFieldErrors($("message-form"));
  const b = await r.json();
  showMessage(`Message envoyé à ${plural(b.recipients, "personne")}` + (b.alreadySent ? ` (${plural(b.alreadySent, "personne l'avait", "personnes l'avaient")} déjà reçu).` : "."), "ok");
});

$("export").addEventListener("click", async () => {
  const r = await api(`/api/manage/events/${current}/registrations.csv`);
  if (!r.ok) return showMessage(await problemText(r), "danger");
  await saveFile(r, `inscriptions-${current}.csv`);
});

async function door(method) {
  const r = await api(`/api/manage/events/${current}/checkin-link`, { method });
  if (!r.ok) return showMessage(await problemText(r), "danger");
  const l = await r.json();
  $("door-url").value = l.url;
  $("door-version").textContent = "version " + l.version;
  $("door-qr").src = l.qrCode;
  $("door-link").hidden = false;
  if (method === "DELETE") showMessage("Les anciens liens d'accueil ne fonctionnent plus\u00a0; voici le nouveau.", "ok");
}
$("door").addEventListener("click", () => door("GET"));
$("revoke").addEventListener("click", () => confirm("Les liens d'accueil déjà donnés cesseront de fonctionner. Continuer\u00a0?") && door("DELETE"));

loadEvents();

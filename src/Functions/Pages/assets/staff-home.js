// The staff home (StaffHomePage): the org tree, its forms, history, team compositions and CSV import.
import { api, h, plural, problemText, showProblem, clearFieldErrors, showMessage } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);
// The API names fields as the forms do (name="..."); "contactEmails[1]" points at contactEmails.
const inputIn = form => field => form.elements.namedItem(field.split(/[.[]/)[0]);
const forms = { regions: $("region-form"), networks: $("network-form"), microstructures: $("microstructure-form") };
const types = { regions: "region", networks: "network", microstructures: "microstructure" };
const byId = {};

// The history in French: what was done, to which field, with values as the forms show them.
const actions = { created: "créé", updated: "modifié", closed: "fermé" };
const fieldLabels = {
  id: "Identifiant", name: "Nom", closedOn: "Fermé le", carryingAssociation: "Association porteuse", regionId: "Région",
  administrativeCoordinatorEmail: "E-mail du coordinateur administratif", medicalCoordinatorEmail: "E-mail du coordinateur médical",
  networkId: "Réseau", town: "Commune", postcode: "Code postal", practiceType: "Type d'exercice", contactEmails: "E-mails de contact",
  openedOn: "Date d'ouverture", microstructureId: "Microstructure", year: "Année", gps: "Médecins généralistes",
  psychologists: "Psychologues", socialWorkers: "Travailleurs sociaux", psychiatrists: "Psychiatres",
};
const practiceTypes = { cabinet: "cabinet de médecine générale", msp: "maison de santé pluriprofessionnelle (MSP)" };
function actionLabel(action) {
  const team = /^team(\d{4})$/.exec(action);
  return team ? "composition " + team[1] : actions[action] ?? action;
}
function valueLabel(field, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (field === "practiceType") return practiceTypes[value] ?? value;
  if (field === "regionId") return byId["regions:" + value]?.name ?? value;
  if (field === "networkId") return byId["networks:" + value]?.name ?? value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value + "T12:00:00").toLocaleDateString("fr-FR");
  return value;
}

function closedBadge(e) { return e.closedOn ? [" ", h("strong", {}, "(fermé le " + new Date(e.closedOn + "T12:00:00").toLocaleDateString("fr-FR") + ")")] : []; }
function entityActions(kind, e) {
  return [" ", h("span", { class: "node-actions" },
    h("button", { type: "button", class: "secondary small", "data-edit": kind, "data-id": e.id, "aria-label": "Modifier " + e.name }, "Modifier"),
    e.closedOn ? null : h("button", { type: "button", class: "secondary small", "data-close": kind, "data-id": e.id, "aria-label": "Fermer " + e.name }, "Fermer"),
    h("button", { type: "button", class: "secondary small", "data-history": types[kind], "data-id": e.id, "aria-label": "Historique de " + e.name }, "Historique"))];
}
const option = (value, label) => h("option", { value }, label);

async function load() {
  const response = await api("/api/manage/tree");
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const tree = await response.json();
  const regionOptions = [], networkOptions = [], microstructureOptions = [];
  const items = tree.regions.map(r => {
    byId["regions:" + r.region.id] = r.region;
    regionOptions.push(option(r.region.id, r.region.name));
    return h("li", {}, h("span", { "data-region": r.region.id }, r.region.name), " ", h("code", {}, r.region.id), closedBadge(r.region), entityActions("regions", r.region),
      h("ul", {}, r.networks.map(n => {
        byId["networks:" + n.network.id] = n.network;
        networkOptions.push(option(n.network.id, n.network.name));
        return h("li", {}, h("span", { "data-network": n.network.id }, n.network.name), ` (${n.network.carryingAssociation}) `, h("code", {}, n.network.id), closedBadge(n.network), entityActions("networks", n.network),
          h("ul", {}, n.microstructures.map(m => {
            byId["microstructures:" + m.id] = m;
            if (!m.closedOn) microstructureOptions.push(option(m.id, m.name));
            return h("li", {}, h("span", { "data-microstructure": m.id }, m.name), ` — ${m.town} (${m.postcode}), ${m.practiceType === "msp" ? "MSP" : "cabinet"} `, h("code", {}, m.id), closedBadge(m), entityActions("microstructures", m));
          })));
      })));
  });
  $("tree").replaceChildren(items.length ? h("ul", { class: "tree" }, items) : h("p", {}, "Aucune région pour l'instant\u00a0: créez-en une ou importez un fichier."));
  $("network-region").replaceChildren(...regionOptions);
  $("ms-network").replaceChildren(...networkOptions);
  const chosen = $("team-ms").value;
  $("team-ms").replaceChildren(...microstructureOptions);
  if (chosen) $("team-ms").value = chosen;
  await showTeams();
}

async function showTeams() {
  const id = $("team-ms").value;
  const box = $("team-current");
  if (!id) { box.replaceChildren(); return; }
  const response = await api(`/api/manage/microstructures/${encodeURIComponent(id)}`);
  if (!response.ok) return;
  const teams = (await response.json()).teams || [];
  box.replaceChildren(teams.length
    ? h("table", { class: "cards" }, h("caption", {}, "Compositions enregistrées"),
        h("thead", {}, h("tr", {}, ["Année", "Médecins", "Psychologues", "Travailleurs sociaux", "Psychiatres"].map(c => h("th", { scope: "col" }, c)))),
        h("tbody", {}, teams.map(t => h("tr", {},
          h("td", { "data-label": "Année" }, String(t.year)), h("td", { "data-label": "Médecins" }, String(t.gps)), h("td", { "data-label": "Psychologues" }, String(t.psychologists)),
          h("td", { "data-label": "Travailleurs sociaux" }, String(t.socialWorkers)), h("td", { "data-label": "Psychiatres" }, String(t.psychiatrists))))))
    : h("p", {}, "Aucune composition enregistrée pour cette microstructure."));
}

$("team-ms").addEventListener("change", showTeams);
$("team-form").addEventListener("submit", async event => {
  event.preventDefault();
  const form = event.target;
  const count = name => form.elements[name].value === "" ? null : Number(form.elements[name].value);
  const response = await api(`/api/manage/microstructures/${encodeURIComponent(form.elements.microstructureId.value)}/teams/${encodeURIComponent(form.elements.year.value)}`,
    { method: "PUT", json: { gps: count("gps"), psychologists: count("psychologists"), socialWorkers: count("socialWorkers"), psychiatrists: count("psychiatrists") } });
  if (!response.ok) { await showProblem(response, form, inputIn(form)); return; }
  clearFieldErrors(form);
  showMessage(`Composition ${form.elements.year.value} enregistrée.`, "ok");
  await showTeams();
});

function fill(kind, e) {
  const form = forms[kind];
  form.dataset.editing = e.id;
  for (const el of form.elements) {
    if (!el.name) continue;
    const value = e[el.name];
    el.value = Array.isArray(value) ? value.join(", ") : (value ?? "");
  }
  form.elements.id.readOnly = true;
  form.scrollIntoView();
  form.elements.name.focus();
}

for (const [kind, form] of Object.entries(forms)) {
  form.addEventListener("reset", () => { delete form.dataset.editing; form.elements.id.readOnly = false; clearFieldErrors(form); });
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const body = {};
    for (const el of form.elements) if (el.name) body[el.name] = el.value.trim() || null;
    if (body.contactEmails !== undefined) body.contactEmails = (body.contactEmails || "").split(/[,;\s]+/).filter(Boolean);
    const editing = form.dataset.editing;
    const response = await api(editing ? `/api/manage/${kind}/${encodeURIComponent(editing)}` : `/api/manage/${kind}`, { method: editing ? "PUT" : "POST", json: body });
    if (!response.ok) { await showProblem(response, form, inputIn(form)); return; }
    const saved = await response.json();
    form.reset();
    showMessage(`«\u00a0${saved.name}\u00a0» est enregistré (identifiant ${saved.id}).`, "ok");
    await load();
  });
}

async function showHistory(type, id) {
  const response = await api(`/api/manage/audit/${type}/${encodeURIComponent(id)}`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const entries = await response.json();
  const name = byId[Object.keys(types).find(k => types[k] === type) + ":" + id]?.name ?? id;
  const rows = entries.map(e => h("tr", {},
    h("td", { "data-label": "Quand" }, new Date(e.at).toLocaleString("fr-FR", { timeZone: "Europe/Paris" })),
    h("td", { "data-label": "Qui" }, e.actorLabel),
    h("td", { "data-label": "Action" }, actionLabel(e.action)),
    h("td", { "data-label": "Changements" }, Object.entries(e.changes).map(([f, c], i) => [i ? h("br") : null,
      `${fieldLabels[f] ?? f}\u00a0: ${valueLabel(f, c.before)} → ${valueLabel(f, c.after)}`]))));
  $("history-list").replaceChildren(h("p", {}, h("strong", {}, name), " ", h("code", {}, id)),
    h("table", { class: "cards" }, h("thead", {}, h("tr", {}, ["Quand", "Qui", "Action", "Changements"].map(c => h("th", { scope: "col" }, c)))), h("tbody", {}, rows)));
  $("history").hidden = false;
  $("history").scrollIntoView();
}

$("tree").addEventListener("click", async event => {
  const button = event.target.closest("button");
  if (!button) return;
  const id = button.dataset.id;
  if (button.dataset.edit) fill(button.dataset.edit, byId[button.dataset.edit + ":" + id]);
  if (button.dataset.close) {
    const kind = button.dataset.close;
    if (!confirm(`Fermer «\u00a0${byId[kind + ":" + id].name}\u00a0» à la date d'aujourd'hui\u00a0?`)) return;
    const response = await api(`/api/manage/${kind}/${encodeURIComponent(id)}/close`, { method: "POST", json: {} });
    if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
    showMessage("Fermeture enregistrée.", "ok");
    await load();
  }
  if (button.dataset.history) await showHistory(button.dataset.history, id);
});

$("import-form").addEventListener("submit", async event => {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  const response = await api("/api/manage/import", { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
  if (!response.ok) {
    const text = await problemText(response, () => $("import-file"));
    $("import-report").replaceChildren(h("p", { class: "notice danger" }, text));
    showMessage(text, "danger");
    return;
  }
  const report = await response.json();
  const refused = report.errors.length;
  $("import-report").replaceChildren(
    h("p", {}, `${plural(report.rows, "ligne lue", "lignes lues")}\u00a0: ${plural(report.created, "création")}, ${plural(report.updated, "modification")}, ${plural(report.unchanged, "ligne sans changement", "lignes sans changement")}, ${plural(refused, "ligne refusée", "lignes refusées")}.`),
    refused ? h("ul", {}, report.errors.map(e => h("li", {}, `Ligne ${e.line}\u00a0: ${e.reasons.join(" ")}`))) : null);
  showMessage(refused ? `Import terminé avec ${plural(refused, "ligne refusée", "lignes refusées")} (rien de ces lignes n'est enregistré).` : "Import terminé.", refused ? "danger" : "ok");
  await load();
});

load();

using Microstructures.Functions.Pages;

namespace Microstructures.Functions.ReferenceData;

// Staff pages of the org tree and network keys. The HTML carries no data (a browser navigation cannot
// send the staff key): the module script asks the manage API with the key kept in sessionStorage.
public static class ReferenceDataPages
{
    public const string HomeHref = "/api/manage";
    public const string KeysHref = "/api/manage/keys";

    public static IResult Home() => PageLayout.Staff("Réseaux et microstructures", HomeHref, FeatureLinks() + HomeBody, HomeScript);

    public static IResult Keys() => PageLayout.Staff("Clés réseau", KeysHref, KeysBody, KeysScript);

    // The home links to every staff feature registered in StaffNavigation (events, newsletter, ...).
    private static string FeatureLinks()
    {
        var links = StaffNavigation.Items.Where(i => i.Href != HomeHref)
            .Select(i => $"<li><a href=\"{PageLayout.Encode(i.Href)}\">{PageLayout.Encode(i.Label)}</a></li>");
        return $"<section aria-labelledby=\"features-title\"><h2 id=\"features-title\">Espaces de travail</h2><ul>{string.Concat(links)}</ul></section>";
    }

    private const string HomeBody = """
<p>L'arbre des régions, réseaux et microstructures. Rien n'est supprimé : une entité qui n'existe plus est <em>fermée</em>.</p>
<section aria-labelledby="tree-title"><h2 id="tree-title">Arbre</h2><div id="tree" aria-live="polite"><p>Chargement…</p></div></section>
<section aria-labelledby="history-title" id="history" hidden><h2 id="history-title">Historique</h2><div id="history-list"></div></section>
<section aria-labelledby="region-title"><h2 id="region-title">Région</h2>
<form id="region-form" data-kind="regions"><input type="hidden" name="version">
<label for="region-name">Nom</label><input id="region-name" name="name" type="text" required>
<label for="region-id">Identifiant</label><p class="hint" id="region-id-hint">Facultatif à la création (déduit du nom), par exemple grand-est.</p>
<input id="region-id" name="id" type="text" aria-describedby="region-id-hint">
<button type="submit">Enregistrer la région</button> <button type="reset" class="secondary">Nouvelle région</button></form></section>
<section aria-labelledby="network-title"><h2 id="network-title">Réseau</h2>
<form id="network-form" data-kind="networks"><input type="hidden" name="version">
<label for="network-name">Nom</label><input id="network-name" name="name" type="text" required>
<label for="network-id">Identifiant</label><p class="hint" id="network-id-hint">Facultatif à la création, par exemple rms-alsace.</p>
<input id="network-id" name="id" type="text" aria-describedby="network-id-hint">
<label for="network-association">Association porteuse</label><input id="network-association" name="carryingAssociation" type="text" required>
<label for="network-region">Région</label><select id="network-region" name="regionId" required></select>
<label for="network-admin">E-mail du coordinateur administratif</label><input id="network-admin" name="administrativeCoordinatorEmail" type="email" required>
<label for="network-medical">E-mail du coordinateur médical</label><input id="network-medical" name="medicalCoordinatorEmail" type="email" required>
<button type="submit">Enregistrer le réseau</button> <button type="reset" class="secondary">Nouveau réseau</button></form></section>
<section aria-labelledby="ms-title"><h2 id="ms-title">Microstructure</h2>
<form id="microstructure-form" data-kind="microstructures"><input type="hidden" name="version">
<label for="ms-name">Nom</label><input id="ms-name" name="name" type="text" required>
<label for="ms-id">Identifiant</label><p class="hint" id="ms-id-hint">Facultatif à la création, par exemple cabinet-des-tilleuls.</p>
<input id="ms-id" name="id" type="text" aria-describedby="ms-id-hint">
<label for="ms-network">Réseau</label><select id="ms-network" name="networkId" required></select>
<label for="ms-town">Commune</label><input id="ms-town" name="town" type="text" required>
<label for="ms-postcode">Code postal</label><input id="ms-postcode" name="postcode" type="text" inputmode="numeric" required>
<label for="ms-type">Type d'exercice</label><select id="ms-type" name="practiceType"><option value="cabinet">Cabinet de médecine générale</option><option value="msp">Maison de santé pluriprofessionnelle (MSP)</option></select>
<label for="ms-contacts">E-mails de contact</label><p class="hint" id="ms-contacts-hint">Adresses professionnelles, séparées par des virgules.</p>
<input id="ms-contacts" name="contactEmails" type="text" aria-describedby="ms-contacts-hint" required>
<label for="ms-opened">Date d'ouverture</label><input id="ms-opened" name="openedOn" type="date" required>
<button type="submit">Enregistrer la microstructure</button> <button type="reset" class="secondary">Nouvelle microstructure</button></form></section>
<section aria-labelledby="team-title"><h2 id="team-title">Composition de l'équipe</h2>
<form id="team-form"><label for="team-ms">Microstructure</label><select id="team-ms" name="microstructureId" required></select>
<label for="team-year">Année</label><input id="team-year" name="year" type="number" min="2006" max="2100" required>
<label for="team-gps">Médecins généralistes</label><input id="team-gps" name="gps" type="number" min="0" max="200" required>
<label for="team-psychologists">Psychologues</label><input id="team-psychologists" name="psychologists" type="number" min="0" max="200" required>
<label for="team-social">Travailleurs sociaux</label><input id="team-social" name="socialWorkers" type="number" min="0" max="200" required>
<label for="team-psychiatrists">Psychiatres</label><input id="team-psychiatrists" name="psychiatrists" type="number" min="0" max="200" required>
<button type="submit">Enregistrer la composition</button></form><div id="team-current"></div></section>
<section aria-labelledby="import-title"><h2 id="import-title">Importer un fichier CSV</h2>
<p class="hint">Une ligne par microstructure (et par année de composition d'équipe), séparateur « ; » ou « , », UTF-8. Colonnes : region_id;region;reseau_id;reseau;association;coordination_administrative;coordination_medicale;microstructure_id;microstructure;commune;code_postal;type;contacts;ouverture;annee;medecins;psychologues;travailleurs_sociaux;psychiatres. Importer deux fois le même fichier ne change rien.</p>
<form id="import-form"><label for="import-file">Fichier</label><input id="import-file" type="file" accept=".csv,text/csv" required>
<button type="submit">Importer</button></form><div id="import-report"></div></section>
""";

    private const string HomeScript = """
import { api, problemText, showProblem, clearFieldErrors, showMessage, escapeHtml } from "/api/assets/staff.js";
// The API names fields as the forms do (name="..."); "contactEmails[1]" points at contactEmails.
const inputIn = form => field => form.elements.namedItem(field.split(/[.[]/)[0]);
const forms = { regions: document.getElementById("region-form"), networks: document.getElementById("network-form"), microstructures: document.getElementById("microstructure-form") };
const types = { regions: "region", networks: "network", microstructures: "microstructure" };
let tree = { regions: [] };
const byId = {};

function closedBadge(e) { return e.closedOn ? ` <strong>(fermé le ${escapeHtml(e.closedOn)})</strong>` : ""; }
function actions(kind, e) {
  const name = escapeHtml(e.name);
  return ` <button type="button" class="secondary" data-edit="${kind}" data-id="${escapeHtml(e.id)}" aria-label="Modifier ${name}">Modifier</button>`
    + (e.closedOn ? "" : ` <button type="button" class="secondary" data-close="${kind}" data-id="${escapeHtml(e.id)}" aria-label="Fermer ${name}">Fermer</button>`)
    + ` <button type="button" class="secondary" data-history="${types[kind]}" data-id="${escapeHtml(e.id)}" aria-label="Historique de ${name}">Historique</button>`;
}

async function load() {
  const response = await api("/api/manage/tree");
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  tree = await response.json();
  const html = [];
  const regionOptions = [], networkOptions = [];
  for (const r of tree.regions) {
    byId["regions:" + r.region.id] = r.region;
    regionOptions.push(`<option value="${escapeHtml(r.region.id)}">${escapeHtml(r.region.name)}</option>`);
    html.push(`<li><span data-region="${escapeHtml(r.region.id)}">${escapeHtml(r.region.name)}</span> <code>${escapeHtml(r.region.id)}</code>${closedBadge(r.region)}${actions("regions", r.region)}<ul>`);
    for (const n of r.networks) {
      byId["networks:" + n.network.id] = n.network;
      networkOptions.push(`<option value="${escapeHtml(n.network.id)}">${escapeHtml(n.network.name)}</option>`);
      html.push(`<li><span data-network="${escapeHtml(n.network.id)}">${escapeHtml(n.network.name)}</span> (${escapeHtml(n.network.carryingAssociation)}) <code>${escapeHtml(n.network.id)}</code>${closedBadge(n.network)}${actions("networks", n.network)}<ul>`);
      for (const m of n.microstructures) {
        byId["microstructures:" + m.id] = m;
        html.push(`<li><span data-microstructure="${escapeHtml(m.id)}">${escapeHtml(m.name)}</span> — ${escapeHtml(m.town)} (${escapeHtml(m.postcode)}), ${m.practiceType === "msp" ? "MSP" : "cabinet"} <code>${escapeHtml(m.id)}</code>${closedBadge(m)}${actions("microstructures", m)}</li>`);
      }
      html.push("</ul></li>");
    }
    html.push("</ul></li>");
  }
  document.getElementById("tree").innerHTML = tree.regions.length ? `<ul>${html.join("")}</ul>` : "<p>Aucune région pour l'instant : créez-en une ou importez un fichier.</p>";
  document.getElementById("network-region").innerHTML = regionOptions.join("");
  document.getElementById("ms-network").innerHTML = networkOptions.join("");
  const chosen = document.getElementById("team-ms").value;
  document.getElementById("team-ms").innerHTML = Object.entries(byId).filter(([k, m]) => k.startsWith("microstructures:") && !m.closedOn)
    .map(([, m]) => `<option value="${escapeHtml(m.id)}">${escapeHtml(m.name)}</option>`).join("");
  if (chosen) document.getElementById("team-ms").value = chosen;
  await showTeams();
}

async function showTeams() {
  const id = document.getElementById("team-ms").value;
  const box = document.getElementById("team-current");
  if (!id) { box.innerHTML = ""; return; }
  const response = await api(`/api/manage/microstructures/${encodeURIComponent(id)}`);
  if (!response.ok) return;
  const teams = (await response.json()).teams || [];
  box.innerHTML = teams.length
    ? `<table><caption>Compositions enregistrées</caption><thead><tr><th scope="col">Année</th><th scope="col">Médecins</th><th scope="col">Psychologues</th><th scope="col">Travailleurs sociaux</th><th scope="col">Psychiatres</th></tr></thead><tbody>`
      + teams.map(t => `<tr><td>${t.year}</td><td>${t.gps}</td><td>${t.psychologists}</td><td>${t.socialWorkers}</td><td>${t.psychiatrists}</td></tr>`).join("") + "</tbody></table>"
    : "<p>Aucune composition enregistrée pour cette microstructure.</p>";
}

document.getElementById("team-ms").addEventListener("change", showTeams);
document.getElementById("team-form").addEventListener("submit", async event => {
  event.preventDefault();
  const form = event.target;
  const number = name => form.elements[name].value === "" ? null : Number(form.elements[name].value);
  const response = await api(`/api/manage/microstructures/${encodeURIComponent(form.elements.microstructureId.value)}/teams/${encodeURIComponent(form.elements.year.value)}`,
    { method: "PUT", json: { gps: number("gps"), psychologists: number("psychologists"), socialWorkers: number("socialWorkers"), psychiatrists: number("psychiatrists") } });
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
    showMessage(`« ${saved.name} » est enregistré (identifiant ${saved.id}).`, "ok");
    form.reset();
    await load();
  });
}

document.getElementById("tree").addEventListener("click", async event => {
  const button = event.target.closest("button");
  if (!button) return;
  const id = button.dataset.id;
  if (button.dataset.edit) fill(button.dataset.edit, byId[button.dataset.edit + ":" + id]);
  if (button.dataset.close) {
    const kind = button.dataset.close;
    if (!confirm(`Fermer « ${byId[kind + ":" + id].name} » à la date d'aujourd'hui ?`)) return;
    const response = await api(`/api/manage/${kind}/${encodeURIComponent(id)}/close`, { method: "POST", json: {} });
    if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
    showMessage("Fermeture enregistrée.", "ok");
    await load();
  }
  if (button.dataset.history) {
    const response = await api(`/api/manage/audit/${button.dataset.history}/${encodeURIComponent(id)}`);
    if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
    const entries = await response.json();
    const rows = entries.map(e => `<tr><td>${escapeHtml(new Date(e.at).toLocaleString("fr-FR"))}</td><td>${escapeHtml(e.actorLabel)}</td><td>${escapeHtml(e.action)}</td><td>${Object.entries(e.changes).map(([f, c]) => `${escapeHtml(f)} : ${escapeHtml(c.before ?? "—")} → ${escapeHtml(c.after ?? "—")}`).join("<br>")}</td></tr>`);
    document.getElementById("history-list").innerHTML = `<p>${escapeHtml(id)}</p><table><thead><tr><th scope="col">Quand</th><th scope="col">Qui</th><th scope="col">Action</th><th scope="col">Changements</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
    const section = document.getElementById("history");
    section.hidden = false;
    section.scrollIntoView();
  }
});

document.getElementById("import-form").addEventListener("submit", async event => {
  event.preventDefault();
  const file = document.getElementById("import-file").files[0];
  if (!file) return;
  const response = await api("/api/manage/import", { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const report = await response.json();
  const errors = report.errors.map(e => `<li>Ligne ${e.line} : ${e.reasons.map(escapeHtml).join(" ")}</li>`).join("");
  document.getElementById("import-report").innerHTML = `<p>${report.rows} lignes lues : ${report.created} créations, ${report.updated} modifications, ${report.unchanged} sans changement, ${report.errors.length} lignes refusées.</p>` + (errors ? `<ul>${errors}</ul>` : "");
  showMessage(report.errors.length ? "Import terminé avec des lignes refusées (rien de ces lignes n'est enregistré)." : "Import terminé.", report.errors.length ? "danger" : "ok");
  await load();
});

load();
""";

    private const string KeysBody = """
<p>Chaque réseau envoie ses données avec sa propre clé. Une clé n'est affichée qu'une fois, à sa création : transmettez-la au réseau par un canal sûr. Plusieurs clés peuvent être actives à la fois (remplacement sans coupure) ; une clé révoquée est refusée immédiatement.</p>
<form id="network-pick"><label for="key-network">Réseau</label><select id="key-network" required></select></form>
<div id="keys" aria-live="polite"></div>
<form id="issue-form"><label for="key-label">Libellé de la nouvelle clé</label><p class="hint" id="key-label-hint">Par exemple « Logiciel de saisie 2025 ».</p>
<input id="key-label" type="text" maxlength="80" aria-describedby="key-label-hint"><button type="submit">Créer une clé</button></form>
<div id="new-key" hidden class="notice ok" tabindex="-1"><p><strong>Nouvelle clé — copiez-la maintenant, elle ne sera plus jamais affichée :</strong></p><p><code id="new-key-value"></code></p></div>
""";

    private const string KeysScript = """
import { api, problemText, showMessage, escapeHtml } from "/api/assets/staff.js";
const select = document.getElementById("key-network");
const when = v => v ? new Date(v).toLocaleString("fr-FR") : "jamais";

async function loadNetworks() {
  const response = await api("/api/manage/networks");
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const networks = (await response.json()).filter(n => !n.closedOn);
  select.innerHTML = networks.map(n => `<option value="${escapeHtml(n.id)}">${escapeHtml(n.name)}</option>`).join("");
  await loadKeys();
}

async function loadKeys() {
  if (!select.value) { document.getElementById("keys").innerHTML = "<p>Aucun réseau ouvert.</p>"; return; }
  const response = await api(`/api/manage/networks/${encodeURIComponent(select.value)}/keys`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const keys = await response.json();
  const rows = keys.map(k => `<tr><td>${escapeHtml(k.label)}</td><td><code>${escapeHtml(k.hint)}</code></td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td><td>${k.revokedAt ? "révoquée le " + when(k.revokedAt) : "active"}</td>`
    + `<td>${k.revokedAt ? "" : `<button type="button" class="danger" data-revoke="${escapeHtml(k.keyId)}" aria-label="Révoquer la clé ${escapeHtml(k.label)}">Révoquer</button>`}</td></tr>`);
  document.getElementById("keys").innerHTML = keys.length
    ? `<table><thead><tr><th scope="col">Libellé</th><th scope="col">Début</th><th scope="col">Créée</th><th scope="col">Dernière utilisation</th><th scope="col">État</th><th scope="col">Action</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    : "<p>Ce réseau n'a pas encore de clé.</p>";
}

select.addEventListener("change", () => { document.getElementById("new-key").hidden = true; loadKeys(); });

document.getElementById("issue-form").addEventListener("submit", async event => {
  event.preventDefault();
  const response = await api(`/api/manage/networks/${encodeURIComponent(select.value)}/keys`, { method: "POST", json: { label: document.getElementById("key-label").value.trim() || null } });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const issued = await response.json();
  document.getElementById("new-key-value").textContent = issued.secret;
  const box = document.getElementById("new-key");
  box.hidden = false;
  box.focus();
  document.getElementById("key-label").value = "";
  await loadKeys();
});

document.getElementById("keys").addEventListener("click", async event => {
  const button = event.target.closest("button[data-revoke]");
  if (!button || !confirm("Révoquer cette clé ? Le réseau ne pourra plus l'utiliser.")) return;
  const response = await api(`/api/manage/networks/${encodeURIComponent(select.value)}/keys/${encodeURIComponent(button.dataset.revoke)}/revoke`, { method: "POST" });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  showMessage("Clé révoquée.", "ok");
  await loadKeys();
});

loadNetworks();
""";
}

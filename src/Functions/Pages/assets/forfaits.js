// The forfait pages: the staff's (ManageForfaitsPage, staff key, /api/manage/forfaits/…) and the network
// coordinators' (NetworkForfaitsPage, network key, /api/network/…). Figures, the forfaits due with the
// money at stake, renew / snooze / close (network), a new inclusion (network), the reminder preview
// (staff), CSV import and export. Markup is built with h(): text stays text.
import { api as staffApi, h, plural, number, problemText, saveFile, showMessage as staffMessage } from "/api/assets/staff.js";
import { networkApi as keyedApi, forgetNetworkKey } from "/api/assets/network-key.js";

const $ = id => document.getElementById(id);
const root = $("forfaits");
const network = root.dataset.mode === "network";

// --- keys and calls -------------------------------------------------------------------------------
// The network key as every coordinators' page keeps it (network-key.js); options.json: a JSON body.
function networkApi(path, options = {}) {
  if (options.json === undefined) return keyedApi(path, say, options);
  const { json, ...rest } = options;
  const headers = new Headers(rest.headers || {});
  headers.set("Content-Type", "application/json");
  return keyedApi(path, say, { ...rest, headers, body: JSON.stringify(json) });
}

const call = network ? networkApi : staffApi;

function say(text, kind = "ok") {
  if (!network) { staffMessage(text, kind); return; }
  const box = $("forfait-message");
  box.className = "notice " + kind;
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

const paths = network
  ? { list: "/api/network/forfaits", figures: "/api/network/forfait-figures", importCsv: "/api/network/forfait-import", exportCsv: "/api/network/forfaits.csv" }
  : { list: "/api/manage/forfaits/list", figures: "/api/manage/forfaits/figures", importCsv: "/api/manage/forfaits/import", exportCsv: "/api/manage/forfaits.csv" };

// --- words ----------------------------------------------------------------------------------------
const euros = n => Number(n).toLocaleString("fr-FR", { maximumFractionDigits: 2 }) + "\u00a0€";
const date = iso => new Date(iso + "T12:00:00Z").toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const todayIso = () => new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
const daysUntil = iso => Math.round((Date.parse(iso + "T00:00:00Z") - Date.parse(todayIso() + "T00:00:00Z")) / 86400000);
const state = f => f.status === "Closed" ? "Clôturé" + (f.closureReasonLabel ? ` (${f.closureReasonLabel})` : "")
  : f.status === "Lapsed" ? "Terminé, non renouvelé"
  : f.remindersAcknowledged ? "Pris en charge"
  : f.snoozedReminderDays ? `Rappel à ${plural(f.snoozedReminderDays, "jour")} reporté`
  : "Actif";
const when = f => {
  const days = daysUntil(f.currentPeriod.end);
  return date(f.currentPeriod.end) + (f.status !== "Active" ? "" : days === 0 ? " (aujourd'hui)" : ` (dans ${plural(days, "jour")})`);
};
const skipLabels = {
  BeforeStart: "dus avant la date de début des rappels", Superseded: "remplacés par un rappel plus proche de l'échéance",
  Snoozed: "reportés par l'équipe", Acknowledged: "pris en charge par l'équipe", Renewed: "forfaits renouvelés entre-temps",
  Closed: "forfaits clôturés", NoRecipient: "sans destinataire (microstructure ou réseau sans adresse)",
};

// --- names of microstructures -------------------------------------------------------------------
let names = new Map();
async function loadNames() {
  const response = await call(network ? "/api/network/microstructures" : "/api/manage/tree");
  if (!response.ok) { say(await problemText(response), "danger"); return []; }
  const body = await response.json();
  const list = network ? body : body.regions.flatMap(r => r.networks.flatMap(n => n.microstructures));
  names = new Map(list.map(m => [m.id, m.name]));
  return list;
}

// --- figures --------------------------------------------------------------------------------------
async function loadFigures() {
  const response = await call(paths.figures);
  if (!response.ok) { $("figures").replaceChildren(h("p", {}, await problemText(response))); return; }
  const node = await response.json();
  const columns = ["Périmètre", "Forfaits actifs", "Se terminant d'ici 30 jours", "Terminés sans renouvellement", "Taux de renouvellement cette année", "Montant en jeu", "Montant sécurisé cette année"];
  const row = (n, strong) => {
    const v = n.values;
    const cells = [n.name, number(v.active), number(v.dueWithin30Days), number(v.lapsed),
      v.renewalRate === null || v.renewalRate === undefined ? "—" : Math.round(v.renewalRate * 100) + "\u00a0%", euros(v.eurosAtStake), euros(v.eurosSecuredThisYear)];
    return h("tr", {}, cells.map((c, i) => h("td", { "data-label": columns[i] }, strong && i === 0 ? h("strong", {}, c) : c)));
  };
  $("figures").replaceChildren(h("table", { class: "cards" },
    h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))),
    h("tbody", {}, row(node, true), node.children.map(c => row(c, false)))));
}

// --- the forfaits due -----------------------------------------------------------------------------
let forfaits = [];
async function loadDue() {
  const response = await call(paths.list);
  if (!response.ok) { say(await problemText(response), "danger"); return; }
  forfaits = await response.json();
  renderDue();
}

function renderDue() {
  const windowValue = $("due-window").value;
  const shown = forfaits.filter(f => windowValue === "all" || f.status === "Lapsed" || (f.status === "Active" && daysUntil(f.currentPeriod.end) <= Number(windowValue)));
  const atStake = shown.filter(f => f.status !== "Closed");
  $("due-total").textContent = windowValue === "all"
    ? plural(shown.length, "forfait")
    : `${plural(atStake.length, "forfait")} à renouveler\u00a0: ${euros(atStake.reduce((sum, f) => sum + f.currentPeriod.amountEuros, 0))} en jeu.`;
  if (!shown.length) { $("due").replaceChildren(h("p", {}, "Aucun forfait à afficher.")); return; }
  const columns = ["Pseudonyme", "Microstructure", "Dispositif", "Fin de période", "Montant", "État"].concat(network ? ["Actions"] : []);
  $("due").replaceChildren(h("table", { class: "cards" },
    h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))),
    h("tbody", {}, shown.map(f => h("tr", {},
      h("td", { "data-label": columns[0] }, h("strong", {}, f.pseudonym)),
      h("td", { "data-label": columns[1] }, names.get(f.microstructureId) ?? f.microstructureId),
      h("td", { "data-label": columns[2] }, f.schemeName),
      h("td", { "data-label": columns[3] }, when(f)),
      h("td", { "data-label": columns[4] }, euros(f.currentPeriod.amountEuros)),
      h("td", { "data-label": columns[5] }, state(f)),
      network ? h("td", { "data-label": columns[6] }, actions(f)) : null)))));
}

function actions(f) {
  if (f.status === "Closed") return null;
  const id = "reason-" + f.id;
  const reasons = $("closure-reasons").content.cloneNode(true);
  return [
    h("button", { type: "button", class: "small", "data-renew": f.id, "data-period": f.currentPeriod.number, "aria-label": `Renouveler le forfait ${f.pseudonym}` }, "Renouveler"), " ",
    f.status === "Active" && !f.remindersAcknowledged
      ? h("button", { type: "button", class: "small secondary", "data-snooze": f.id, "data-period": f.currentPeriod.number, "aria-label": `Reporter le prochain rappel du forfait ${f.pseudonym}` }, "Reporter le prochain rappel") : null,
    h("label", { for: id }, `Motif de clôture (${f.pseudonym})`),
    h("select", { id }, h("option", { value: "" }, "Choisir…"), reasons),
    h("button", { type: "button", class: "small danger", "data-close": f.id, "aria-label": `Clôturer le suivi du forfait ${f.pseudonym}` }, "Clôturer le suivi"),
  ];
}

async function act(path, json, done) {
  const response = await call(path, { method: "POST", json });
  if (!response.ok) { say(await problemText(response), "danger"); return; }
  say(done);
  await Promise.all([loadDue(), loadFigures()]);
}

$("due").addEventListener("click", async event => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.renew) await act(`/api/network/forfaits/${encodeURIComponent(button.dataset.renew)}/renewals`, { period: Number(button.dataset.period) }, "Forfait renouvelé\u00a0: la nouvelle période commence le lendemain de la fin de la précédente.");
  else if (button.dataset.snooze) await act(`/api/network/forfaits/${encodeURIComponent(button.dataset.snooze)}/snooze`, { period: Number(button.dataset.period) }, "Rappel reporté\u00a0: le prochain rappel de ce forfait ne sera pas envoyé.");
  else if (button.dataset.close) {
    const reason = $("reason-" + button.dataset.close).value;
    if (!reason) { say("Choisissez le motif de clôture.", "danger"); $("reason-" + button.dataset.close).focus(); return; }
    await act(`/api/network/forfaits/${encodeURIComponent(button.dataset.close)}/closure`, { reason }, "Suivi clôturé\u00a0: ce forfait n'aura plus de rappel.");
  }
});
$("due-window").addEventListener("change", renderDue);

// --- new inclusion (network) ----------------------------------------------------------------------
if (network) {
  $("inc-inclusionDate").max = todayIso();
  $("include-form").addEventListener("submit", async event => {
    event.preventDefault();
    const json = Object.fromEntries(["microstructureId", "pseudonym", "schemeId", "inclusionDate"].map(k => [k, $("inc-" + k).value]));
    const response = await call("/api/network/forfaits", { method: "POST", json });
    if (!response.ok) {
      if (response.status === 400) { await showFieldErrors(response); return; }
      say(await problemText(response), "danger");
      return;
    }
    const f = await response.json();
    say(response.status === 201
      ? `Inclusion enregistrée\u00a0: ${f.pseudonym}, première période jusqu'au ${date(f.currentPeriod.end)}.`
      : `Cette inclusion était déjà enregistrée (${f.pseudonym}).`);
    $("inc-pseudonym").value = "";
    await Promise.all([loadDue(), loadFigures()]);
  });
}

// The form's field errors above their inputs, as on the staff pages; the summary in this page's message area.
async function showFieldErrors(response) {
  const text = await problemText(response.clone(), field => $("inc-" + field));
  const form = $("include-form");
  const problem = await response.json().catch(() => null);
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  let first = null;
  for (const [field, messages] of Object.entries(problem?.errors || {})) {
    const input = $("inc-" + field);
    if (!input) continue;
    input.before(h("p", { class: "field-error", id: input.id + "-error" }, h("span", { class: "visually-hidden" }, "Erreur\u00a0: "), messages.join(" ")));
    input.setAttribute("aria-invalid", "true");
    first ??= input;
  }
  say(text, "danger");
  first?.focus();
}

// --- reminder preview (staff) ---------------------------------------------------------------------
if (!network) {
  $("preview-date").value = todayIso();
  $("preview-form").addEventListener("submit", async event => {
    event.preventDefault();
    const response = await call(`/api/manage/forfaits/reminders/preview?date=${encodeURIComponent($("preview-date").value)}`);
    if (!response.ok) { say(await problemText(response), "danger"); return; }
    const preview = await response.json();
    const skipped = Object.entries(preview.skipped || {});
    const columns = ["Destinataire", "Adresses", "Forfaits", "Montant en jeu", "Échéances"];
    $("preview").replaceChildren(
      h("p", { class: "lead" }, `Envoi du ${date(preview.date)}\u00a0: ${plural(preview.digests.length, "e-mail groupé", "e-mails groupés")}.`),
      preview.assumesEarlierRuns ? h("p", { class: "hint" }, "Date future\u00a0: seuls les rappels dus ce jour-là sont comptés.") : null,
      preview.digests.length ? h("table", { class: "cards" },
        h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))),
        h("tbody", {}, preview.digests.map(d => h("tr", {},
          h("td", { "data-label": columns[0] }, (d.kind === "Network" ? "Réseau (alerte aux coordinateurs) " : "Microstructure ") + d.scopeName),
          h("td", { "data-label": columns[1] }, d.recipients.join(", ")),
          h("td", { "data-label": columns[2] }, plural(d.summary.count, "forfait")),
          h("td", { "data-label": columns[3] }, euros(d.summary.amountEuros)),
          h("td", { "data-label": columns[4] }, d.summary.buckets.map(b => (b.days === null ? "déjà terminés" : `d'ici ${plural(b.days, "jour")}`) + `\u00a0: ${b.count}`).join(", ")))))) : null,
      skipped.length ? h("p", {}, "Rappels qui ne seraient pas envoyés\u00a0: " + skipped.map(([reason, n]) => `${number(n)} ${skipLabels[reason] ?? reason}`).join("\u00a0; ") + ".") : null);
  });
}

// --- import and export ----------------------------------------------------------------------------
$("import-form").addEventListener("submit", async event => {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) { say("Choisissez un fichier CSV.", "danger"); $("import-file").focus(); return; }
  const response = await call(paths.importCsv, { method: "POST", headers: { "Content-Type": "text/csv" }, body: await file.arrayBuffer() });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const messages = Object.values(body?.errors || {}).flat();
    $("import-report").replaceChildren(h("div", { class: "notice danger" }, h("p", {}, body?.detail || body?.title || "Import refusé."), h("ul", {}, messages.map(m => h("li", {}, m)))));
    say("Le fichier a été refusé\u00a0: rien n'a été enregistré.", "danger");
    return;
  }
  $("import-report").replaceChildren(h("div", { class: body.errors.length ? "notice danger" : "notice ok" },
    h("p", {}, `${plural(body.rows, "ligne")} lue${body.rows > 1 ? "s" : ""} (${body.encoding})\u00a0: ${plural(body.created, "forfait créé", "forfaits créés")}, ${plural(body.existing, "déjà enregistré", "déjà enregistrés")}, ${plural(body.errors.length, "ligne refusée", "lignes refusées")}.`),
    body.errors.length ? h("ul", {}, body.errors.map(e => h("li", {}, `Ligne ${e.line}\u00a0: ${e.reasons.join(" ")}`))) : null));
  say("Import terminé.");
  await Promise.all([loadDue(), loadFigures()]);
});

$("export").addEventListener("click", async () => {
  const response = await call(paths.exportCsv);
  if (!response.ok) { say(await problemText(response), "danger"); return; }
  await saveFile(response, "forfaits.csv");
});

// --- start ----------------------------------------------------------------------------------------
if (network) {
  $("forget-network-key").addEventListener("click", () => { forgetNetworkKey(); location.reload(); });
}
const list = await loadNames();
if (network) {
  $("inc-microstructureId").replaceChildren(...list.filter(m => !m.closedOn).map(m => h("option", { value: m.id }, m.name)));
}
await Promise.all([loadFigures(), loadDue()]);

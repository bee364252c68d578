// The staff subscribers page (StaffSubscribersPage): counts, search, CSV export, import, erasure.
import { api, h, plural, parisDateTime, problemText, saveFile, showMessage } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);
const base = "/api/manage/newsletter/subscribers";
const labels = { Active: ["abonné", "abonnés"], Pending: ["en attente de confirmation", "en attente de confirmation"], Unsubscribed: ["désabonné", "désabonnés"], Bounced: ["adresse invalide", "adresses invalides"], Complained: ["signalement comme indésirable", "signalements comme indésirable"] };

function query() {
  const params = new URLSearchParams();
  if ($("sb-search").value.trim()) params.set("search", $("sb-search").value.trim());
  if ($("sb-status").value) params.set("status", $("sb-status").value);
  return params;
}

async function load() {
  const params = query();
  params.set("take", "200");
  const response = await api(`${base}?${params}`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const page = await response.json();
  $("counts").replaceChildren(h("p", {}, Object.entries(labels).map(([status, [one, many]]) => plural(page.counts[status] || 0, one, many)).join(" · ")));
  const columns = ["E-mail", "Statut", "Origine", "Depuis le", "Dernière interaction"];
  $("subscribers").replaceChildren(...(page.items.length ? page.items.map(s => h("tr", {},
    h("td", { "data-label": columns[0] }, s.email),
    h("td", { "data-label": columns[1] }, s.statusLabel),
    h("td", { "data-label": columns[2] }, s.source + (s.sourceDetail ? " — " + s.sourceDetail : "")),
    h("td", { "data-label": columns[3] }, parisDateTime(s.createdAt)),
    h("td", { "data-label": columns[4] }, parisDateTime(s.lastInteractionAt))))
    : [h("tr", {}, h("td", { colspan: 5 }, "Aucun abonné ne correspond."))]));
  $("more").textContent = page.total > page.items.length ? `${plural(page.items.length, "abonné affiché", "abonnés affichés")} sur ${plural(page.total, "résultat")} : précisez la recherche ou exportez la liste.` : "";
}

$("search-form").addEventListener("submit", event => { event.preventDefault(); load(); });

$("export").addEventListener("click", async () => {
  const response = await api(`${base}.csv?${query()}`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  await saveFile(response, "abonnes-lettre-information.csv");
});

$("import-form").addEventListener("submit", async event => {
  event.preventDefault();
  const file = $("im-file").files[0];
  if (!file) { showMessage("Choisissez un fichier CSV.", "danger"); return; }
  const response = await api(`${base}/import?source=${encodeURIComponent($("im-source").value)}`, { method: "POST", headers: { "Content-Type": "text/csv" }, body: file });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const r = await response.json();
  $("import-report").replaceChildren(
    h("p", {}, `${plural(r.rows, "ligne lue", "lignes lues")} : ${plural(r.added, "adresse ajoutée", "adresses ajoutées")}, ${plural(r.existing, "déjà connue", "déjà connues")}, ${plural(r.suppressed, "écartée (désabonnée ou effacée)", "écartées (désabonnées ou effacées)")}, ${plural(r.duplicates, "doublon")}, ${plural(r.invalid, "invalide", "invalides")}.`),
    r.errors.length ? h("ul", {}, r.errors.map(e => h("li", {}, `Ligne ${e.line} : ${e.reason}`))) : null);
  showMessage("Import terminé.", "ok");
  await load();
});

$("erase-form").addEventListener("submit", async event => {
  event.preventDefault();
  if (!confirm("Effacer cette adresse de la liste\u00a0?")) return;
  const response = await api(`${base}/erase`, { method: "POST", json: { email: $("er-email").value.trim() } });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const r = await response.json();
  showMessage(r.existed ? "Adresse effacée\u00a0; elle ne recevra plus rien." : "Cette adresse n'était pas dans la liste\u00a0; elle ne recevra jamais rien.", "ok");
  $("er-email").value = "";
  await load();
});

load();

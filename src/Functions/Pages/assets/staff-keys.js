// The network keys page (NetworkKeysPage): issue (the secret shown once), list, revoke.
import { api, h, problemText, showMessage } from "/api/assets/staff.js";

const $ = id => document.getElementById(id);
const select = $("key-network");
const when = v => v ? new Date(v).toLocaleString("fr-FR", { timeZone: "Europe/Paris" }) : "jamais";

async function loadNetworks() {
  const response = await api("/api/manage/networks");
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const networks = (await response.json()).filter(n => !n.closedOn);
  select.replaceChildren(...networks.map(n => h("option", { value: n.id }, n.name)));
  await loadKeys();
}

async function loadKeys() {
  if (!select.value) { $("keys").replaceChildren(h("p", {}, "Aucun réseau ouvert.")); return; }
  const response = await api(`/api/manage/networks/${encodeURIComponent(select.value)}/keys`);
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const keys = await response.json();
  const columns = ["Libellé", "Premiers caractères", "Créée le", "Dernière utilisation", "État", "Action"];
  const rows = keys.map(k => h("tr", {},
    h("td", { "data-label": columns[0] }, k.label),
    h("td", { "data-label": columns[1] }, h("code", {}, k.hint)),
    h("td", { "data-label": columns[2] }, when(k.createdAt)),
    h("td", { "data-label": columns[3] }, when(k.lastUsedAt)),
    h("td", { "data-label": columns[4] }, k.revokedAt ? "révoquée le " + when(k.revokedAt) : "active"),
    h("td", { "data-label": columns[5] }, k.revokedAt ? null : h("button", { type: "button", class: "danger small", "data-revoke": k.keyId, "aria-label": "Révoquer la clé " + k.label }, "Révoquer"))));
  $("keys").replaceChildren(keys.length
    ? h("table", { class: "cards" }, h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col" }, c)))), h("tbody", {}, rows))
    : h("p", {}, "Ce réseau n'a pas encore de clé."));
}

select.addEventListener("change", () => { $("new-key").hidden = true; loadKeys(); });

$("issue-form").addEventListener("submit", async event => {
  event.preventDefault();
  const response = await api(`/api/manage/networks/${encodeURIComponent(select.value)}/keys`, { method: "POST", json: { label: $("key-label").value.trim() || null } });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  const issued = await response.json();
  $("new-key-value").textContent = issued.secret;
  $("new-key").hidden = false;
  $("new-key").focus();
  $("key-label").value = "";
  await loadKeys();
});

$("keys").addEventListener("click", async event => {
  const button = event.target.closest("button[data-revoke]");
  if (!button || !confirm("Révoquer cette clé\u00a0? Le réseau ne pourra plus l'utiliser.")) return;
  const response = await api(`/api/manage/networks/${encodeURIComponent(select.value)}/keys/${encodeURIComponent(button.dataset.revoke)}/revoke`, { method: "POST" });
  if (!response.ok) { showMessage(await problemText(response), "danger"); return; }
  showMessage("Clé révoquée.", "ok");
  await loadKeys();
});

loadNetworks();

#!/usr/bin/env node
// Acceptance of the registrations issue against a running ./run.sh (http://127.0.0.1:7071):
// an event of capacity 5; 30 simultaneous registrations with different e-mails from one IP must give
// exactly 5 × 201 and 25 × 202; within 30 s the outbox holds 5 confirmations with an .ics; cancelling
// one confirmed registration through its link's page promotes waitlist position 1 and e-mails them.
// Usage: node scripts/acceptance-registrations.mjs   (exit code 1 on any failed check)
import { readFileSync } from "node:fs";

const base = process.env.BASE ?? "http://127.0.0.1:7071";
const staffKey = process.env.STAFF_KEY ?? JSON.parse(readFileSync("local.settings.json", "utf8")).Values.Admin__ApiKey;
const run = Date.now().toString(36);
let failed = false;
const check = (name, ok, detail = "") => { console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`); if (!ok) failed = true; };
const sleep = ms => new Promise(r => setTimeout(r, ms));
const iso = d => d.toISOString().slice(0, 16);
const outbox = async to => (await fetch(`${base}/_devhost/outbox?to=${encodeURIComponent(to)}`)).json();
async function waitFor(to, predicate, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const found = (await outbox(to)).filter(predicate);
    if (found.length) return found;
    await sleep(250);
  }
  return [];
}

const eventId = `jn-acceptance-${run}`;
const now = new Date();
const event = {
  title: "Journée Nationale des Microstructures (recette)",
  startsAt: iso(new Date(now.getTime() + 14 * 86400e3)), endsAt: iso(new Date(now.getTime() + 14 * 86400e3 + 8 * 3600e3)),
  venue: "Salle de recette", address: "1 rue de l'Exemple, 75000 Paris", capacity: 5,
  registrationOpensAt: iso(new Date(now.getTime() - 86400e3)), registrationClosesAt: iso(new Date(now.getTime() + 7 * 86400e3)),
  contactEmail: "contact@example.org",
};
const put = await fetch(`${base}/api/manage/events/${eventId}`, { method: "PUT", headers: { Authorization: `Bearer ${staffKey}`, "Content-Type": "application/json" }, body: JSON.stringify(event) });
check("event of capacity 5 created", put.ok, `HTTP ${put.status}`);

const people = Array.from({ length: 30 }, (_, i) => ({
  firstName: "Camille", lastName: `Recette${i}`, email: `recette-${run}-${i}@example.org`, profession: "medecin-generaliste",
  organisation: "Cabinet de recette", region: "Grand Est", newsletterOptIn: false,
}));
const answers = await Promise.all(people.map(async p => {
  const r = await fetch(`${base}/api/events/${eventId}/registrations`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(p) });
  return { person: p, status: r.status, body: await r.json() };
}));
const confirmed = answers.filter(a => a.status === 201), waitlisted = answers.filter(a => a.status === 202);
check("exactly 5 × 201", confirmed.length === 5, `${confirmed.length}`);
check("exactly 25 × 202", waitlisted.length === 25, `${waitlisted.length}; others: ${answers.filter(a => a.status !== 201 && a.status !== 202).map(a => a.status).join(",") || "none"}`);
check("waitlist positions 1..25", waitlisted.map(a => a.body.waitlistPosition).sort((x, y) => x - y).join() === Array.from({ length: 25 }, (_, i) => i + 1).join());

const started = Date.now();
const confirmations = await Promise.all(confirmed.map(a => waitFor(a.person.email, m => m.subject.startsWith("Inscription confirmée"))));
check("5 confirmations in the outbox within 30 s", confirmations.every(c => c.length === 1), `${((Date.now() - started) / 1000).toFixed(1)} s`);
check("each confirmation has an .ics attachment", confirmations.every(c => c[0]?.attachments.some(x => x.filename.endsWith(".ics"))));

const first = confirmations[0][0];
const manageLink = first.links.find(l => l.includes("/manage?token="));
check("the confirmation carries a manage link", !!manageLink);
const page = await fetch(manageLink);
check("the link's page opens without cancelling", page.ok && /annuler/i.test(await page.text()), `HTTP ${page.status}`);
const cancel = await fetch(manageLink, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "confirm=1" });
check("the page's confirm button cancels", cancel.ok, `HTTP ${cancel.status}`);
const next = waitlisted.find(a => a.body.waitlistPosition === 1).person.email;
const promotion = await waitFor(next, m => m.subject.startsWith("Place confirmée"));
check("waitlist position 1 is promoted and e-mailed", promotion.length === 1, next);
const summary = await (await fetch(`${base}/api/events/${eventId}`)).json();
check("still 5 confirmed after the promotion", JSON.stringify(summary).includes('"confirmed":5') || summary.seatsLeft === 0, JSON.stringify(summary));
process.exit(failed ? 1 : 0);
